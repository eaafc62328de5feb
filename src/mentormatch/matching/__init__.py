"""The director's verbs: match, shortlist, rematch (orchestration only)."""
