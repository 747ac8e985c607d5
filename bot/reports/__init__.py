"""The city's numbers: monthly and yearly statistics, charts, workbooks and public disclosure."""
