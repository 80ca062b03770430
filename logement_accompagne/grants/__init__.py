"""After selection: committee sessions, agreements (conventions), payment tranches and reports."""
