"""What a director reads: exports (CSV, JSON, HTML report), plots, topic supply and demand."""
