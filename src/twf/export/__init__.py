"""Loop export: frames composed as the viewer shows them, as GIF or MP4 (`twf export`, `/api/v3/export`)."""
