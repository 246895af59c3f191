-- Which token replaced a used refresh token (issue #4, found by the kill -9 test): a client killed
-- after the server rotated its token but before it stored the new one may present the old token
-- again while the new one is still unused; that is a lost answer, not a theft.
ALTER TABLE refresh_tokens ADD COLUMN replaced_by TEXT;
