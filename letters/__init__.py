"""Feedback letters: the data a letter says and the renderer that turns it into text and HTML."""
