"""Construction workers' social insurance: contributions by law version and the fund's
projection (PROGRAMS.md §4)."""
