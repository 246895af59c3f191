//! Request and response bodies of the HTTP API (`/api/v1`).

use serde::{Deserialize, Serialize};

/// Answer of `GET /health`: the server is up and its database answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always `"ok"` in a 200 answer.
    pub status: String,
    /// The server's version (`CARGO_PKG_VERSION` of cnt-backend).
    pub version: String,
    /// Which database backs the server: `"sqlite"` or `"postgres"`.
    pub database: String,
}
