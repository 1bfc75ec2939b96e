"""Files in and out: Excel, iCalendar, JSON-stat, minutes and the yearly report (PDF, Word)."""
