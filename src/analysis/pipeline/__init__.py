"""The pipeline around the analysis: where the project's folders are, notebook parameters, the papermill runner, the figures' manifest, the processed tables and the report."""
