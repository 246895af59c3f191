//! The catalogue and the sync protocol: records, the change feed and pushed mutations.
//!
//! Design (ARCHITECTURE.md "Library and sync", details in `docs/sync.md`):
//! - Every syncable row is a [`Record`] with a server `version` taken from one increasing counter.
//!   `GET /api/v1/sync/changes?since=CURSOR&limit=N` answers a [`ChangesPage`]: upserts and tombstones
//!   in version order, scoped to the shared catalogue plus the caller's own data.
//! - Local edits travel as [`Mutation`]s with client-made [`MutationId`]s in a [`PushRequest`]; the
//!   server applies each id at most once and answers one [`MutationResult`] per mutation, in order.
//!   A replayed id gets the stored result again.
//! - The catalogue is one id space ([`ItemId`]) over every [`ItemKind`]: search, playlists and
//!   favorites mix kinds, so one record shape with a few optional fields serves them all.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;
use crate::ids::{ItemId, MutationId, PlaylistEntryId, PlaylistId};

/// What a catalogue item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A music track (or a sermon, which is audio with a speaker as its artist).
    Track,
    /// An album of tracks.
    Album,
    /// An artist, speaker or band, with a profile and followers.
    Artist,
    /// A podcast: a series of episodes.
    Podcast,
    /// One podcast episode, audio or video.
    Episode,
    /// A movie or an animated Bible story.
    Movie,
    /// A category grouping content.
    Category,
    /// A document (study notes, a devotional, a PDF).
    Document,
}

impl ItemKind {
    /// Every kind, in the order the UI groups them.
    pub const ALL: [ItemKind; 8] = [
        ItemKind::Track,
        ItemKind::Album,
        ItemKind::Artist,
        ItemKind::Podcast,
        ItemKind::Episode,
        ItemKind::Movie,
        ItemKind::Category,
        ItemKind::Document,
    ];

    /// The snake_case wire and storage form.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Track => "track",
            ItemKind::Album => "album",
            ItemKind::Artist => "artist",
            ItemKind::Podcast => "podcast",
            ItemKind::Episode => "episode",
            ItemKind::Movie => "movie",
            ItemKind::Category => "category",
            ItemKind::Document => "document",
        }
    }

    /// Parses [`ItemKind::as_str`]'s form.
    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether items of this kind can have a media file to play or download.
    pub fn is_playable(self) -> bool {
        matches!(
            self,
            ItemKind::Track | ItemKind::Episode | ItemKind::Movie | ItemKind::Document
        )
    }
}

/// A media file, addressed by its content hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaRef {
    /// Lower-case hex SHA-256 of the file: its address (`/api/v1/media/{hash}`) and its check.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
    /// MIME type, e.g. `audio/ogg`.
    pub mime: String,
}

impl MediaRef {
    /// Whether `hash` looks like a SHA-256 hex digest (64 lower-case hex digits).
    pub fn is_valid_hash(hash: &str) -> bool {
        hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

/// One catalogue entry of any [`ItemKind`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogItem {
    /// Its id; minted by the server when an admin creates it without one.
    #[serde(default)]
    pub id: ItemId,
    /// What it is.
    pub kind: ItemKind,
    /// Title (or name for artists and categories).
    pub title: String,
    /// Second line: the artist's name for tracks and albums, the podcast for episodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// The artist (tracks, albums).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artist_id: Option<ItemId>,
    /// The album (tracks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub album_id: Option<ItemId>,
    /// The album's title, copied so that search finds tracks by album.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub album_title: Option<String>,
    /// The podcast (episodes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<ItemId>,
    /// The category it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<ItemId>,
    /// Description, artist biography or show notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Lyrics, plain text (searchable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lyrics: Option<String>,
    /// Timed cues (LRC lines, verse references, chords) for overlays, in LRC form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cues: Option<String>,
    /// Playing time in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// Position on its album or in its podcast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    /// Release date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<String>,
    /// The file to play or read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaRef>,
    /// Cover art or a profile picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artwork: Option<MediaRef>,
    /// Shown on Home under "Featured".
    #[serde(default)]
    pub featured: bool,
    /// Free tags, e.g. `bible-story`, `animated`, `sermon`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl CatalogItem {
    /// A bare item of `kind` titled `title`, with a new id.
    pub fn new(kind: ItemKind, title: impl Into<String>) -> CatalogItem {
        CatalogItem {
            id: ItemId::new(),
            kind,
            title: title.into(),
            subtitle: None,
            artist_id: None,
            album_id: None,
            album_title: None,
            parent_id: None,
            category_id: None,
            description: None,
            lyrics: None,
            cues: None,
            duration_ms: None,
            number: None,
            released: None,
            media: None,
            artwork: None,
            featured: false,
            tags: Vec::new(),
        }
    }
}

/// A user's playlist (its entries are separate records, so that inserts merge).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Playlist {
    /// Its id, minted by the device that created it.
    pub id: PlaylistId,
    /// Name.
    pub name: String,
    /// Optional description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created, Unix milliseconds.
    pub created_at: i64,
}

/// One entry of a playlist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaylistEntry {
    /// Its id.
    pub id: PlaylistEntryId,
    /// The playlist.
    pub playlist_id: PlaylistId,
    /// The catalogue item.
    pub item_id: ItemId,
    /// Position key: entries sort by `(position, id)`; a key between two neighbours is always found,
    /// so concurrent inserts on two devices both survive in a stable order.
    pub position: String,
    /// When it was added, Unix milliseconds.
    pub added_at: i64,
}

/// A favorite item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Favorite {
    /// The item.
    pub item_id: ItemId,
    /// When, Unix milliseconds.
    pub added_at: i64,
}

/// A followed artist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Follow {
    /// The artist.
    pub artist_id: ItemId,
    /// When, Unix milliseconds.
    pub since: i64,
}

/// Where a user is in an item: the last play and its resume position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlayHistory {
    /// The item.
    pub item_id: ItemId,
    /// Resume position in milliseconds.
    pub position_ms: u64,
    /// When it was last played, Unix milliseconds. The newest play wins, whichever device syncs last.
    pub played_at: i64,
    /// How many plays the server has recorded.
    pub play_count: u32,
}

/// Which table a record or tombstone belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// [`CatalogItem`].
    Item,
    /// [`Playlist`].
    Playlist,
    /// [`PlaylistEntry`].
    PlaylistEntry,
    /// [`Favorite`].
    Favorite,
    /// [`Follow`].
    Follow,
    /// [`PlayHistory`].
    History,
}

impl RecordKind {
    /// The snake_case storage form.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Item => "item",
            RecordKind::Playlist => "playlist",
            RecordKind::PlaylistEntry => "playlist_entry",
            RecordKind::Favorite => "favorite",
            RecordKind::Follow => "follow",
            RecordKind::History => "history",
        }
    }

    /// Parses [`RecordKind::as_str`]'s form.
    pub fn parse(s: &str) -> Option<RecordKind> {
        [
            RecordKind::Item,
            RecordKind::Playlist,
            RecordKind::PlaylistEntry,
            RecordKind::Favorite,
            RecordKind::Follow,
            RecordKind::History,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Any syncable row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Record {
    /// A catalogue item (boxed: it is much larger than the others).
    Item(Box<CatalogItem>),
    /// A playlist.
    Playlist(Playlist),
    /// A playlist entry.
    PlaylistEntry(PlaylistEntry),
    /// A favorite.
    Favorite(Favorite),
    /// A followed artist.
    Follow(Follow),
    /// A play-history row.
    History(PlayHistory),
}

impl Record {
    /// Which table it belongs to.
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Item(_) => RecordKind::Item,
            Record::Playlist(_) => RecordKind::Playlist,
            Record::PlaylistEntry(_) => RecordKind::PlaylistEntry,
            Record::Favorite(_) => RecordKind::Favorite,
            Record::Follow(_) => RecordKind::Follow,
            Record::History(_) => RecordKind::History,
        }
    }

    /// Its key within its kind (and owner): the id, or the item for favorites, follows and history.
    pub fn key(&self) -> String {
        match self {
            Record::Item(r) => r.id.to_string(),
            Record::Playlist(r) => r.id.to_string(),
            Record::PlaylistEntry(r) => r.id.to_string(),
            Record::Favorite(r) => r.item_id.to_string(),
            Record::Follow(r) => r.artist_id.to_string(),
            Record::History(r) => r.item_id.to_string(),
        }
    }
}

/// One entry of the change feed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// The server version of this change; the feed is ordered by it.
    pub version: i64,
    /// What changed.
    #[serde(flatten)]
    pub op: ChangeOp,
}

/// An upsert or a tombstone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ChangeOp {
    /// The record as it is now.
    Upsert {
        /// The record.
        record: Record,
    },
    /// The record was deleted.
    Delete {
        /// Its table.
        kind: RecordKind,
        /// Its key ([`Record::key`]).
        key: String,
    },
}

/// A page of the change feed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangesPage {
    /// Changes with versions above the asked cursor, in version order.
    pub changes: Vec<Change>,
    /// Where the next request starts (`since=`); store it with the applied page.
    pub next_cursor: i64,
    /// Whether more changes wait beyond this page.
    pub has_more: bool,
    /// The newest version on the server when the page was read: with `next_cursor`, how far along
    /// a long initial sync is (versions of other users' data count too, so it is an estimate).
    #[serde(default)]
    pub head: i64,
}

/// One local edit, as pushed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mutation {
    /// Client-made id: the server applies each at most once.
    pub mutation_id: MutationId,
    /// What to do.
    #[serde(flatten)]
    pub op: MutationOp,
}

/// The edits a device can make to its user's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum MutationOp {
    /// Create a playlist with a device-made id.
    CreatePlaylist {
        /// New id.
        id: PlaylistId,
        /// Name.
        name: String,
        /// Description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// Change some fields of a playlist; absent fields are left alone (per-field last writer wins).
    UpdatePlaylist {
        /// Which.
        id: PlaylistId,
        /// New name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// New description; an empty string clears it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// Delete a playlist and its entries.
    DeletePlaylist {
        /// Which.
        id: PlaylistId,
    },
    /// Add an item to a playlist at a position key.
    AddEntry {
        /// New entry id.
        id: PlaylistEntryId,
        /// The playlist.
        playlist_id: PlaylistId,
        /// The item.
        item_id: ItemId,
        /// Position key.
        position: String,
    },
    /// Move an entry to a new position key.
    MoveEntry {
        /// Which.
        id: PlaylistEntryId,
        /// New position key.
        position: String,
    },
    /// Remove an entry.
    RemoveEntry {
        /// Which.
        id: PlaylistEntryId,
    },
    /// Mark or unmark a favorite.
    SetFavorite {
        /// The item.
        item_id: ItemId,
        /// Favorite or not.
        on: bool,
    },
    /// Follow or unfollow an artist.
    SetFollow {
        /// The artist.
        artist_id: ItemId,
        /// Follow or not.
        on: bool,
    },
    /// Record a play and its resume position.
    RecordPlay {
        /// The item.
        item_id: ItemId,
        /// Resume position, milliseconds.
        position_ms: u64,
        /// When, Unix milliseconds.
        played_at: i64,
    },
}

/// The body of `POST /api/v1/sync/push`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// Mutations in the order they were made (at most [`PushRequest::MAX`]).
    pub mutations: Vec<Mutation>,
}

impl PushRequest {
    /// The most mutations one push may carry.
    pub const MAX: usize = 500;
}

/// The answer to a push: one result per mutation, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// Results.
    pub results: Vec<MutationResult>,
}

/// What became of one mutation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MutationResult {
    /// The mutation.
    pub mutation_id: MutationId,
    /// Applied or rejected.
    #[serde(flatten)]
    pub outcome: MutationOutcome,
}

/// Applied (with the version it produced) or rejected for good (never retried).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MutationOutcome {
    /// Applied; its effect appears in the feed at this version (0 when it changed nothing).
    Applied {
        /// Server version.
        version: i64,
    },
    /// Refused: e.g. [`ErrorCode::Gone`] for an edit of a playlist deleted elsewhere.
    Rejected {
        /// Why.
        code: ErrorCode,
        /// English detail.
        message: String,
    },
}

/// A page of a listing endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemPage {
    /// Items of this page.
    pub items: Vec<CatalogItem>,
    /// Pass as `after=` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// An artist with its follower count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArtistProfile {
    /// The artist item.
    pub artist: CatalogItem,
    /// How many users follow it.
    pub followers: u64,
    /// Whether the caller follows it.
    pub following: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_feed_json_shape_is_stable() {
        let item = CatalogItem::new(ItemKind::Track, "Amazing Grace");
        let page = ChangesPage {
            changes: vec![
                Change {
                    version: 7,
                    op: ChangeOp::Upsert {
                        record: Record::Item(Box::new(item.clone())),
                    },
                },
                Change {
                    version: 8,
                    op: ChangeOp::Delete {
                        kind: RecordKind::Playlist,
                        key: "x".into(),
                    },
                },
            ],
            next_cursor: 8,
            has_more: false,
            head: 8,
        };
        let json = serde_json::to_value(&page).expect("serialize");
        assert_eq!(json["changes"][0]["op"], "upsert");
        assert_eq!(json["changes"][0]["record"]["kind"], "item");
        assert_eq!(json["changes"][0]["record"]["data"]["kind"], "track");
        assert_eq!(json["changes"][1]["op"], "delete");
        assert_eq!(json["changes"][1]["kind"], "playlist");
        let back: ChangesPage = serde_json::from_value(json).expect("deserialize");
        assert_eq!(back, page);
    }

    #[test]
    fn mutations_round_trip_and_results_carry_status() {
        let m = Mutation {
            mutation_id: MutationId::new(),
            op: MutationOp::UpdatePlaylist {
                id: PlaylistId::new(),
                name: Some("Sunday".into()),
                description: None,
            },
        };
        let json = serde_json::to_value(&m).expect("serialize");
        assert_eq!(json["op"], "update_playlist");
        assert!(json.get("description").is_none());
        assert_eq!(serde_json::from_value::<Mutation>(json).expect("back"), m);
        let r = MutationResult {
            mutation_id: m.mutation_id,
            outcome: MutationOutcome::Rejected {
                code: ErrorCode::Gone,
                message: "deleted".into(),
            },
        };
        let json = serde_json::to_value(&r).expect("serialize");
        assert_eq!(json["status"], "rejected");
        assert_eq!(json["code"], "gone");
    }

    #[test]
    fn kinds_parse_their_own_names() {
        for k in ItemKind::ALL {
            assert_eq!(ItemKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ItemKind::parse("tracks"), None);
        assert!(MediaRef::is_valid_hash(&"a".repeat(64)));
        assert!(!MediaRef::is_valid_hash(&"A".repeat(64)));
        assert!(!MediaRef::is_valid_hash("abc"));
    }
}
