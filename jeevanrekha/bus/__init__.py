"""Events leave the database only through the transactional outbox (house rule 4)."""
