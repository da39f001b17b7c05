"""Email: a transactional outbox of messages (invitations with iMIP, decisions, updates,
cancellations, reminders) and the sender that delivers them over SMTP."""
