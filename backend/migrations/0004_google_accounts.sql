-- Google sign-in (issue #3): the Google account ("sub") linked to a user.
ALTER TABLE users ADD COLUMN google_sub TEXT;
CREATE UNIQUE INDEX users_by_google_sub ON users (google_sub);
