"""The 10 Recommendations on ICT and IP Administration (CWS/12, 2024)."""
