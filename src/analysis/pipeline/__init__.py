"""Around the analysis: the project's folders, notebook parameters, the papermill runner, the manifest, processed tables, the report."""
