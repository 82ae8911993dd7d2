"""Exploring the data of DataStore tables: the Data API facts shown to developers and
written to DCAT/data.json, and the chart and map views."""
