"""Construction workers' social insurance: contributions by law version and the fund's
projection (docs/rules.md §4)."""
