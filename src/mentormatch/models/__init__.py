"""Pydantic models: the people of a program, the cohort and its rules, and a match's result."""
