"""Sentences written from the results (notebook readings, figure captions, the README's headline), never typed by hand."""

# A notebook's reading of the result, a figure's caption and the README's headline numbers are produced here
# from the objects the analyses return, so that a new statement changes the text with the figures. Wording that
# depends on the result (rose or fell, inside or outside an interval, which gap is the longest) is decided by
# code and tested on hand-made inputs (tests/test_readings.py). Modules: words (numbers, dates, intervals and
# changes in words), record (notebook 00), casualties (01), civmil (02), clearance (03), headline (the README).
# The functions return markdown; a notebook shows it with IPython.display.Markdown.
