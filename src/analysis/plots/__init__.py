"""Every figure: the project's style, the one saving helper, and one module per subject whose functions take the frames the analysis returns and return a Figure."""
