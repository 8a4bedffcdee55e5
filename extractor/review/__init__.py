"""The auditors' workbench (issue 20): accounts, decisions on findings and corrections, kept in the results store."""
