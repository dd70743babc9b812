"""What is due when: time parsing and reminder planning (pure), and the JobQueue wiring."""
