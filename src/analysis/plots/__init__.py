"""Every figure: the project's style, the one saving helper, and one module per subject (frames in, a Figure out)."""
