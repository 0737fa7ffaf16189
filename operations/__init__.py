"""What the command line (and the demo, and tests) ask of Temporal and the store, one call each."""
