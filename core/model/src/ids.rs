//! Id newtypes. Each kind of thing has its own type, so an `ItemId` can never be passed where a
//! `PlaylistId` is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id (UUID v7), safe to mint offline on any device.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The underlying UUID.
            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// Any catalogue item: a track, album, artist, podcast, episode, movie, category or document.
    /// One id space for every kind, because search, playlists and favorites mix kinds freely.
    ItemId
);
id_type!(
    /// A user's playlist.
    PlaylistId
);
id_type!(
    /// One entry of a playlist (the same item may appear twice, so entries have their own ids).
    PlaylistEntryId
);
id_type!(
    /// A client-made id for one local edit, so that the server applies it at most once.
    MutationId
);
id_type!(
    /// One HTTP request, echoed in error bodies and logs so that a user's report can be matched to a log line.
    RequestId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_json_and_text() {
        let id = ItemId::new();
        let json = serde_json::to_string(&id).expect("serialize");
        assert_eq!(json, format!("\"{id}\""));
        let back: ItemId = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, id);
        assert_eq!(id.to_string().parse::<ItemId>().expect("parse"), id);
    }

    #[test]
    fn new_ids_are_time_ordered() {
        let a = PlaylistId::new();
        let b = PlaylistId::new();
        assert!(a < b, "{a} should sort before {b}");
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("not-a-uuid".parse::<UserId>().is_err());
    }
}
