//! `/api/v1/catalog/*`, `/api/v1/artists/*`, `/api/v1/sync/*`, `/api/v1/media/*` and the admin
//! catalogue endpoints.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cnt_model::ids::ItemId;
use cnt_model::sync::{
    ArtistProfile, CatalogItem, ChangesPage, ItemKind, ItemPage, MediaRef, PushRequest,
    PushResponse,
};
use cnt_model::{ErrorBody, ErrorCode};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::catalog::{self, CatalogError};
use crate::extract::{AdminUser, AuthUser};
use crate::media::{MediaError, MediaStore, RangeRequest, parse_range};
use crate::{ApiError, AppState};

/// The largest media file an admin may upload.
pub const MAX_UPLOAD: u64 = 8 * 1024 * 1024 * 1024;

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Client(code, message) => ApiError::client(code, message),
            CatalogError::Db(e) => ApiError::Database(e),
        }
    }
}

impl From<MediaError> for ApiError {
    fn from(e: MediaError) -> Self {
        match e {
            MediaError::TooLarge(_) => ApiError::client(ErrorCode::PayloadTooLarge, e.to_string()),
            MediaError::Interrupted(_) => ApiError::client(ErrorCode::BadRequest, e.to_string()),
            MediaError::Db(e) => ApiError::Database(e),
            MediaError::Io { .. } => ApiError::Internal(e.to_string()),
        }
    }
}

fn media_store(state: &AppState) -> Result<&MediaStore, ApiError> {
    state.media.as_ref().ok_or_else(|| {
        ApiError::client(
            ErrorCode::ServiceUnavailable,
            "this server has no media folder configured",
        )
    })
}

fn parse_item_id(raw: &str) -> Result<ItemId, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::not_found("no catalogue item has this id"))
}

/// Query of the change feed.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ChangesQuery {
    /// The cursor of the last applied page (0 for everything).
    #[serde(default)]
    since: i64,
    /// Page size, 1 to 1000 (default 500).
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    500
}

/// The change feed: catalogue and the caller's own data, in version order.
#[utoipa::path(get, path = "/api/v1/sync/changes", tag = "sync", security(("bearer" = [])), params(ChangesQuery),
    responses((status = 200, description = "A page of changes", body = ChangesPage), (status = 401, description = "not signed in", body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    me: AuthUser,
    Query(q): Query<ChangesQuery>,
) -> Result<Response, ApiError> {
    if q.since < 0 {
        return Err(ApiError::client(
            ErrorCode::BadRequest,
            "since must not be negative",
        ));
    }
    let body = catalog::changes_json(&state.db, me.id(), q.since, q.limit).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Applies a device's local edits, each mutation id at most once.
#[utoipa::path(post, path = "/api/v1/sync/push", tag = "sync", security(("bearer" = [])), request_body = PushRequest,
    responses((status = 200, description = "One result per mutation, in order", body = PushResponse),
        (status = 413, description = "too many mutations in one push", body = ErrorBody)))]
pub async fn push(
    State(state): State<AppState>,
    me: AuthUser,
    Json(body): Json<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if body.mutations.len() > PushRequest::MAX {
        return Err(ApiError::client(
            ErrorCode::PayloadTooLarge,
            format!("at most {} mutations per push", PushRequest::MAX),
        ));
    }
    let results = catalog::push(&state.db, me.id(), &body.mutations).await?;
    Ok(Json(PushResponse { results }))
}

/// Query of catalogue listings.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only this kind.
    kind: Option<ItemKind>,
    /// Only featured items.
    #[serde(default)]
    featured: bool,
    /// The `next` of the previous page.
    after: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<i64>,
}

/// A page of the catalogue.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, description = "A page of items", body = ItemPage)))]
pub async fn list(
    State(state): State<AppState>,
    _me: AuthUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<ItemPage>, ApiError> {
    Ok(Json(
        catalog::list_items(
            &state.db,
            q.kind,
            q.featured,
            q.after.as_deref(),
            q.limit.unwrap_or(50),
        )
        .await?,
    ))
}

/// One catalogue item.
#[utoipa::path(get, path = "/api/v1/catalog/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    responses((status = 200, description = "The item", body = CatalogItem), (status = 404, description = "no such item", body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    _me: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<CatalogItem>, ApiError> {
    let id = parse_item_id(&id)?;
    catalog::get_item(&state.db, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("no catalogue item has this id"))
}

/// An artist's profile with its follower count (follow and unfollow go through `sync/push`).
#[utoipa::path(get, path = "/api/v1/artists/{id}", tag = "catalog", security(("bearer" = [])),
    params(("id" = String, Path, description = "Artist id")),
    responses((status = 200, description = "The artist", body = ArtistProfile), (status = 404, description = "no such artist", body = ErrorBody)))]
pub async fn artist(
    State(state): State<AppState>,
    me: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ArtistProfile>, ApiError> {
    let id = parse_item_id(&id)?;
    let artist = catalog::get_item(&state.db, id)
        .await?
        .filter(|i| i.kind == ItemKind::Artist)
        .ok_or_else(|| ApiError::not_found("no artist has this id"))?;
    let (followers, following) = catalog::followers(&state.db, id, me.id()).await?;
    Ok(Json(ArtistProfile {
        artist,
        followers,
        following,
    }))
}

/// Create a catalogue item (an id is minted when absent; an existing id is replaced).
#[utoipa::path(post, path = "/api/v1/admin/catalog", tag = "admin", security(("bearer" = [])), request_body = CatalogItem,
    responses((status = 201, description = "Created", body = CatalogItem), (status = 403, description = "not an administrator", body = ErrorBody),
        (status = 422, description = "a field is invalid", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    _admin: AdminUser,
    Json(item): Json<CatalogItem>,
) -> Result<(StatusCode, Json<CatalogItem>), ApiError> {
    check_media(&state, &item).await?;
    catalog::put_items(&state.db, std::slice::from_ref(&item)).await?;
    Ok((StatusCode::CREATED, Json(item)))
}

/// Replace a catalogue item.
#[utoipa::path(put, path = "/api/v1/admin/catalog/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")), request_body = CatalogItem,
    responses((status = 200, description = "Saved", body = CatalogItem), (status = 404, description = "no such item", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
    Json(mut item): Json<CatalogItem>,
) -> Result<Json<CatalogItem>, ApiError> {
    let id = parse_item_id(&id)?;
    if catalog::get_item(&state.db, id).await?.is_none() {
        return Err(ApiError::not_found("no catalogue item has this id"));
    }
    item.id = id;
    check_media(&state, &item).await?;
    catalog::put_items(&state.db, std::slice::from_ref(&item)).await?;
    Ok(Json(item))
}

/// Delete a catalogue item (devices receive a tombstone).
#[utoipa::path(delete, path = "/api/v1/admin/catalog/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "no such item", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    catalog::delete_item(&state.db, parse_item_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Media referenced by an item must exist, with the size and type the store recorded.
async fn check_media(state: &AppState, item: &CatalogItem) -> Result<(), ApiError> {
    catalog::validate_item(item)?;
    for m in [&item.media, &item.artwork].into_iter().flatten() {
        let store = media_store(state)?;
        let known = store.info(&state.db, &m.hash).await?;
        match known {
            Some(k) if k.size == m.size => {}
            Some(_) => {
                return Err(ApiError::client(
                    ErrorCode::ValidationFailed,
                    "the media size does not match the uploaded file",
                ));
            }
            None => {
                return Err(ApiError::client(
                    ErrorCode::ValidationFailed,
                    "upload the media file first (PUT /api/v1/admin/media)",
                ));
            }
        }
    }
    Ok(())
}

/// Upload a media file (the raw body; `Content-Type` is stored). Answers its hash, size and type.
#[utoipa::path(put, path = "/api/v1/admin/media", tag = "admin", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "Stored", body = MediaRef), (status = 413, description = "too large", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    _admin: AdminUser,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<MediaRef>), ApiError> {
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|m| !m.is_empty() && m.len() < 128)
        .unwrap_or("application/octet-stream")
        .to_owned();
    let store = media_store(&state)?;
    let media = store
        .put_stream(&state.db, &mime, MAX_UPLOAD, body.into_data_stream())
        .await?;
    Ok((StatusCode::CREATED, Json(media)))
}

/// A media file by content hash, with `Range`, `ETag` (the hash) and `If-None-Match` support.
#[utoipa::path(get, path = "/api/v1/media/{hash}", tag = "media", security(("bearer" = [])),
    params(("hash" = String, Path, description = "SHA-256 of the file, lower-case hex")),
    responses((status = 200, description = "The file"), (status = 206, description = "Part of the file"),
        (status = 304, description = "Not modified"), (status = 404, description = "no such file", body = ErrorBody),
        (status = 416, description = "range outside the file", body = ErrorBody)))]
pub async fn media(
    State(state): State<AppState>,
    _me: AuthUser,
    Path(hash): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !MediaRef::is_valid_hash(&hash) {
        return Err(ApiError::not_found("no media file has this hash"));
    }
    let store = media_store(&state)?;
    let info = store
        .info(&state.db, &hash)
        .await?
        .ok_or_else(|| ApiError::not_found("no media file has this hash"))?;
    let etag = format!("\"{hash}\"");
    let header_str = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if header_str(header::IF_NONE_MATCH)
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    // A Range with a stale If-Range validator gets the whole file.
    let range_header = match header_str(header::IF_RANGE) {
        Some(v) if v.trim() != etag => None,
        _ => header_str(header::RANGE),
    };
    let size = info.size;
    let (status, start, len) = match parse_range(range_header, size) {
        RangeRequest::Full => (StatusCode::OK, 0, size),
        RangeRequest::Partial { start, end } => {
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        RangeRequest::Unsatisfiable => {
            let mut r = ApiError::client(
                ErrorCode::RangeNotSatisfiable,
                format!("the file has {size} bytes"),
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(r);
        }
    };
    let path = store.path(&hash);
    let mut file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| ApiError::Internal(format!("open {}: {e}", path.display())))?;
    if start > 0 {
        file.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(|e| ApiError::Internal(format!("seek {}: {e}", path.display())))?;
    }
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file.take(len)));
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, info.mime.as_str())
        .header(header::CONTENT_LENGTH, len)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::ETAG, etag)
        .header(
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        )
        .header("x-content-sha256", hash.as_str());
    if status == StatusCode::PARTIAL_CONTENT {
        response = response.header(
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{size}", start + len - 1),
        );
    }
    response
        .body(body)
        .map_err(|e| ApiError::Internal(format!("response: {e}")))
}
