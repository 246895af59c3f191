//! Catalogue, media and feed endpoints through the whole router over a real SQLite file.

use axum::http::{Method, StatusCode};
use cnt_backend::AppState;
use cnt_model::ErrorCode;
use cnt_model::api::Role;
use serde_json::json;

use crate::{send, state};

/// Registers `name` and signs in; returns (access token, user id). `admin` promotes the user first.
async fn user(state: &AppState, name: &str, admin: bool) -> (String, String) {
    let email = format!("{name}@example.org");
    let r = send(
        state,
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(json!({"email": email, "password": "correct horse battery", "username": name})),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let id = r.json["user"]["id"]
        .as_str()
        .or_else(|| r.json["id"].as_str())
        .map(str::to_owned)
        .unwrap_or_default();
    if admin {
        let u = cnt_backend::accounts::find_by_email(&state.db, &email)
            .await
            .expect("find")
            .expect("user");
        cnt_backend::accounts::set_role(&state.db, u.id, Role::Admin)
            .await
            .expect("promote");
    }
    let r = send(
        state,
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": "correct horse battery"})),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    (
        r.json["access_token"].as_str().expect("token").to_owned(),
        id,
    )
}

async fn raw(
    state: &AppState,
    method: Method,
    uri: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = cnt_backend::router(state.clone())
        .oneshot(request.body(axum::body::Body::from(body)).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, headers, bytes.to_vec())
}

#[tokio::test]
async fn admins_upload_media_and_create_items_that_users_list_and_fetch_by_range() {
    let (dir, state) = state().await;
    let state = state.with_media_dir(dir.path().join("media"));
    let (admin, _) = user(&state, "admin", true).await;
    let (listener, _) = user(&state, "listener", false).await;
    let bytes: Vec<u8> = (0..10_000u32).map(|i| (i % 253) as u8).collect();
    let (status, _, body) = raw(
        &state,
        Method::PUT,
        "/api/v1/admin/media",
        &admin,
        &[("content-type", "audio/ogg")],
        bytes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let media: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let hash = media["hash"].as_str().expect("hash").to_owned();
    assert_eq!(media["size"], 10_000);
    // Listeners may not upload or create.
    let (status, _, _) = raw(
        &state,
        Method::PUT,
        "/api/v1/admin/media",
        &listener,
        &[],
        vec![1, 2, 3],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let item =
        json!({"kind": "track", "title": "Be Thou My Vision", "media": media, "featured": true});
    let r = send(
        &state,
        Method::POST,
        "/api/v1/admin/catalog",
        Some(&listener),
        Some(item.clone()),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(
        &state,
        Method::POST,
        "/api/v1/admin/catalog",
        Some(&admin),
        Some(item),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let id = r.json["id"].as_str().expect("minted id").to_owned();
    // An item pointing at media that was never uploaded is refused.
    let bad = json!({"kind": "track", "title": "Ghost", "media": {"hash": "0".repeat(64), "size": 1, "mime": "audio/ogg"}});
    let r = send(
        &state,
        Method::POST,
        "/api/v1/admin/catalog",
        Some(&admin),
        Some(bad),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json["error"]["code"], "validation_failed");

    let r = send(
        &state,
        Method::GET,
        "/api/v1/catalog?kind=track&featured=true",
        Some(&listener),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["items"][0]["id"], id.as_str());
    let r = send(
        &state,
        Method::GET,
        &format!("/api/v1/catalog/{id}"),
        Some(&listener),
        None,
        None,
    )
    .await;
    assert_eq!(r.json["title"], "Be Thou My Vision");
    let r = send(&state, Method::GET, "/api/v1/catalog", None, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Whole file, with the hash as ETag and content hash.
    let uri = format!("/api/v1/media/{hash}");
    let (status, headers, body) = raw(&state, Method::GET, &uri, &listener, &[], vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, bytes);
    assert_eq!(headers["etag"], format!("\"{hash}\"").as_str());
    assert_eq!(headers["x-content-sha256"], hash.as_str());
    assert_eq!(headers["accept-ranges"], "bytes");
    // A range.
    let (status, headers, body) = raw(
        &state,
        Method::GET,
        &uri,
        &listener,
        &[("range", "bytes=9000-")],
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, bytes[9000..]);
    assert_eq!(headers["content-range"], "bytes 9000-9999/10000");
    // A range past the end.
    let (status, headers, _) = raw(
        &state,
        Method::GET,
        &uri,
        &listener,
        &[("range", "bytes=10000-")],
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(headers["content-range"], "bytes */10000");
    // A stale If-Range gets the whole file; a matching If-None-Match gets 304.
    let (status, _, body) = raw(
        &state,
        Method::GET,
        &uri,
        &listener,
        &[("range", "bytes=5-"), ("if-range", "\"other\"")],
        vec![],
    )
    .await;
    assert_eq!((status, body.len()), (StatusCode::OK, 10_000));
    let etag = format!("\"{hash}\"");
    let (status, _, body) = raw(
        &state,
        Method::GET,
        &uri,
        &listener,
        &[("if-none-match", &etag)],
        vec![],
    )
    .await;
    assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));
    let (status, _, _) = raw(
        &state,
        Method::GET,
        "/api/v1/media/nothex",
        &listener,
        &[],
        vec![],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Deleting leaves a tombstone in the feed.
    let r = send(
        &state,
        Method::DELETE,
        &format!("/api/v1/admin/catalog/{id}"),
        Some(&admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = send(
        &state,
        Method::GET,
        "/api/v1/sync/changes?since=0",
        Some(&listener),
        None,
        None,
    )
    .await;
    let changes = r.json["changes"].as_array().expect("changes");
    assert_eq!(
        changes.len(),
        1,
        "the upsert was replaced by its tombstone: {changes:?}"
    );
    assert_eq!(changes[0]["op"], "delete");
    assert_eq!(changes[0]["key"], id.as_str());
}

#[tokio::test]
async fn the_feed_pages_in_version_order_and_push_checks_its_input() {
    let (_dir, state) = state().await;
    let (token, _) = user(&state, "reader", false).await;
    let items: Vec<_> = (0..25)
        .map(|i| {
            cnt_model::sync::CatalogItem::new(cnt_model::sync::ItemKind::Track, format!("T{i}"))
        })
        .collect();
    cnt_backend::catalog::put_items(&state.db, &items)
        .await
        .expect("seed");
    let mut since = 0;
    let mut seen = 0;
    loop {
        let r = send(
            &state,
            Method::GET,
            &format!("/api/v1/sync/changes?since={since}&limit=10"),
            Some(&token),
            None,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let versions: Vec<i64> = r.json["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| c["version"].as_i64().expect("v"))
            .collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]));
        assert!(versions.iter().all(|v| *v > since));
        seen += versions.len();
        since = r.json["next_cursor"].as_i64().expect("cursor");
        if !r.json["has_more"].as_bool().expect("has_more") {
            break;
        }
        assert_eq!(r.json["head"], 25);
    }
    assert_eq!(seen, 25);
    let r = send(
        &state,
        Method::GET,
        "/api/v1/sync/changes?since=-1",
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(r.json["error"]["code"], ErrorCode::BadRequest.as_str());
    let too_many: Vec<_> = (0..501)
        .map(|_| json!({"mutation_id": uuid_v7(), "op": "set_favorite", "item_id": items[0].id, "on": true}))
        .collect();
    let r = send(
        &state,
        Method::POST,
        "/api/v1/sync/push",
        Some(&token),
        Some(json!({"mutations": too_many})),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let bad_name = json!({"mutations": [{"mutation_id": uuid_v7(), "op": "create_playlist", "id": uuid_v7(), "name": "   "}]});
    let r = send(
        &state,
        Method::POST,
        "/api/v1/sync/push",
        Some(&token),
        Some(bad_name),
        None,
    )
    .await;
    assert_eq!(r.json["results"][0]["status"], "rejected");
    assert_eq!(r.json["results"][0]["code"], "validation_failed");
    // Following needs an artist.
    let follow = json!({"mutations": [{"mutation_id": uuid_v7(), "op": "set_follow", "artist_id": items[0].id, "on": true}]});
    let r = send(
        &state,
        Method::POST,
        "/api/v1/sync/push",
        Some(&token),
        Some(follow),
        None,
    )
    .await;
    assert_eq!(r.json["results"][0]["code"], "not_found");
}

#[tokio::test]
async fn artists_count_their_followers() {
    let (_dir, state) = state().await;
    let artist = cnt_model::sync::CatalogItem::new(cnt_model::sync::ItemKind::Artist, "Choir");
    cnt_backend::catalog::put_items(&state.db, std::slice::from_ref(&artist))
        .await
        .expect("seed");
    let (a, _) = user(&state, "fan_one", false).await;
    let (b, _) = user(&state, "fan_two", false).await;
    for token in [&a, &b] {
        let follow = json!({"mutations": [{"mutation_id": uuid_v7(), "op": "set_follow", "artist_id": artist.id, "on": true}]});
        let r = send(
            &state,
            Method::POST,
            "/api/v1/sync/push",
            Some(token),
            Some(follow),
            None,
        )
        .await;
        assert_eq!(r.json["results"][0]["status"], "applied");
    }
    let unfollow = json!({"mutations": [{"mutation_id": uuid_v7(), "op": "set_follow", "artist_id": artist.id, "on": false}]});
    send(
        &state,
        Method::POST,
        "/api/v1/sync/push",
        Some(&b),
        Some(unfollow),
        None,
    )
    .await;
    let r = send(
        &state,
        Method::GET,
        &format!("/api/v1/artists/{}", artist.id),
        Some(&a),
        None,
        None,
    )
    .await;
    assert_eq!(r.json["followers"], 1);
    assert_eq!(r.json["following"], true);
    let r = send(
        &state,
        Method::GET,
        &format!("/api/v1/artists/{}", artist.id),
        Some(&b),
        None,
        None,
    )
    .await;
    assert_eq!(r.json["following"], false);
}

fn uuid_v7() -> String {
    cnt_model::ids::MutationId::new().to_string()
}
