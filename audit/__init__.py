"""The auditor's view of a review: a timeline from Temporal's history, a tamper-evident export,
and a replay against the current workflow code (DESIGN §8)."""
