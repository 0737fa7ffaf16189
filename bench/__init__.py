"""`make bench`: napreview measured against a bare Temporal workflow of the same shape."""
