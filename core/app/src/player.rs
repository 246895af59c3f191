//! Playback in the app: one gapless [`cnt_player::Player`] owned by the [`Core`], started on the first
//! play, fed with downloaded library items, and reported to the UI as [`CoreEvent::Player`] snapshots
//! ([`NowPlaying`]).
//!
//! - The output is the default sound card ([`cnt_player::DeviceOutput`]). When there is none the
//!   core keeps [`PlaybackState::NoDevice`] with the reason and every play call answers
//!   [`Error::Player`]; nothing panics. A later play tries the device again.
//! - Streaming: signed in and online, [`Core::play_items`] also queues items that are not downloaded
//!   yet. Their downloads start at once, one after another in queue order from the item to start at
//!   (an item already streaming is joined), and the engine reads each through a
//!   [`cnt_player::Growing`] file fed by the downloader ([`cnt_sync::DownloadFeed`]). Playback starts
//!   once the first [`PREBUFFER_BYTES`] of the start item (or all of it) are there; meanwhile
//!   [`NowPlaying::loading`] names it, and the caller's thread never waits. The downloads are kept
//!   like any other (verified, in the quota). Offline or signed out, items not downloaded get their
//!   download queued and are reported in [`PlayOutcome::not_downloaded`] and
//!   [`NowPlaying::not_downloaded`].
//! - An item's `cues` (LRC lines: `[mm:ss.xx]Psalm 23:1`, `[mm:ss.xx]lyric`, `[mm:ss.xx]{chord:G}`)
//!   become its cue track; verse references are resolved to text with the bundled Bible.
//! - The resume position is recorded ([`Core::record_play`]) every 15 s of playing, at pause, stop,
//!   skip and at the end of a track (0: heard to the end).
//! - Saved verses ([`Core::save_verse`]) are kept in the library database's local `meta` table under
//!   `saved_verses` (a JSON list of references, newest last; not synced).
//!
//! A thread per player drains its events: it keeps the resume positions and sends the snapshots.
//! It ends, and stops the engine, when the last `Core` clone is dropped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Weak};
use std::time::Duration;

use cnt_library::DownloadJob;
use cnt_model::ids::ItemId;
use cnt_model::sync::ItemKind;
use cnt_model::sync::MediaRef;
use cnt_player::cue::TimedWord;
use cnt_player::{
    Cue, CuePayload, CueTrack, DeviceOutput, EntryId, Growing, Growth, Lrc, Player, PlayerCmd,
    PlayerEvent, PlayerHandle, PlayerState, Position, QueueItem, ReplayGain, Volume,
};
use cnt_sync::{DownloadFeed, Downloader};

pub use cnt_player::{
    AudioOutput, MemorySink, MemoryTap, PlaybackStatus, RepeatMode, VerseRef, WavFormat, WavSink,
};

use crate::{Core, CoreEvent, Error, Inner, Result};

/// How often the resume position is saved while playing.
pub const RESUME_EVERY: Duration = Duration::from_secs(15);

/// Items at least this long (ms) resume where they were left, whatever their kind (a sermon filed
/// as a track); shorter songs start from the beginning.
pub const RESUME_MIN_LENGTH_MS: u64 = 10 * 60 * 1000;

/// Bytes of a streamed item that must be there before it starts playing (or the whole file, when
/// smaller): about 8 s of a 256 kbit/s MP3, 1.5 s of CD-quality FLAC.
pub const PREBUFFER_BYTES: u64 = 256 * 1024;

/// Longest wait for the prebuffer; after it the engine starts anyway (its own reads wait for bytes,
/// and a download that stalls becomes a track error).
const PREBUFFER_WAIT: Duration = Duration::from_secs(30);

/// Whether the app can play at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PlaybackState {
    /// Nothing was played yet; the output opens on the first play.
    #[default]
    Idle,
    /// The output is open.
    Ready,
    /// No audio device could be opened; the reason, as the system gave it.
    NoDevice(String),
}

/// One entry of the play queue, as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueEntry {
    /// The library item.
    pub item: ItemId,
    /// Its title.
    pub title: String,
    /// Artist, podcast or album line.
    pub artist: Option<String>,
    /// Its length from the catalogue.
    pub duration_ms: Option<u64>,
    /// Its artwork's content hash (see [`Core::artwork_data_uri`]; the image may not be on the
    /// device yet).
    pub artwork: Option<String>,
}

/// Everything the player bar, Now Playing and the queue panel show: sent as a whole on every change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NowPlaying {
    /// Whether there is an output.
    pub output: PlaybackState,
    /// Playing, paused or stopped.
    pub status: PlaybackStatus,
    /// The queue in play order.
    pub queue: Vec<QueueEntry>,
    /// Index of the entry being heard.
    pub current: Option<usize>,
    /// Position in it.
    pub position_ms: u64,
    /// Its length (from the decoder, else the catalogue).
    pub duration_ms: Option<u64>,
    /// Volume, 0–100.
    pub volume_percent: u8,
    /// Shuffle on or off.
    pub shuffle: bool,
    /// Counts the seeks made (from the bar, MPRIS, a resume): MPRIS sends `Seeked` when it moves.
    pub seeks: u64,
    /// What happens at the end of a track: stop after the last, repeat all, repeat one.
    pub repeat: RepeatMode,
    /// The verse showing (its text once resolved).
    pub verse: Option<VerseRef>,
    /// The lyric line showing.
    pub lyric: Option<String>,
    /// The chord showing.
    pub chord: Option<String>,
    /// The last track or output error.
    pub last_error: Option<String>,
    /// Titles the last play could not include because they are not downloaded yet (their
    /// download is queued): offline or signed out.
    pub not_downloaded: Vec<String>,
    /// The title being loaded (streamed, waiting for its first bytes) before it starts playing;
    /// cleared when its audio starts or it fails.
    pub loading: Option<String>,
}

impl Default for NowPlaying {
    fn default() -> Self {
        NowPlaying {
            output: PlaybackState::Idle,
            status: PlaybackStatus::Stopped,
            queue: Vec::new(),
            current: None,
            position_ms: 0,
            duration_ms: None,
            volume_percent: 100,
            shuffle: false,
            seeks: 0,
            repeat: RepeatMode::Off,
            verse: None,
            lyric: None,
            chord: None,
            last_error: None,
            not_downloaded: Vec::new(),
            loading: None,
        }
    }
}

impl NowPlaying {
    /// The entry being heard.
    pub fn current_entry(&self) -> Option<&QueueEntry> {
        self.current.and_then(|i| self.queue.get(i))
    }
}

/// What [`Core::play_items`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlayOutcome {
    /// How many items were queued to play.
    pub queued: usize,
    /// Items that are not downloaded yet and cannot stream (offline or signed out): their download
    /// was queued, they are not in the queue.
    pub not_downloaded: Vec<ItemId>,
    /// Items in the queue that play while they download.
    pub streaming: Vec<ItemId>,
}

/// Queue entries built from library items ([`Core::build_queue`]).
struct Built {
    queue: Vec<QueueItem>,
    entries: Vec<(PathBuf, QueueEntry)>,
    // (queue index, job, growing file, whether this play starts its download)
    streams: Vec<(usize, DownloadJob, Arc<Growing>, bool)>,
    missing: Vec<String>,
    start_at: Option<usize>,
}

/// The core's player: output state, the engine handle, what each queued file is.
#[derive(Default)]
pub(crate) struct PlayerSlot {
    output: PlaybackState,
    handle: Option<PlayerHandle>,
    // An output given by the embedding program (tests, tools) for the next start instead of the device.
    custom_output: Option<Box<dyn AudioOutput>>,
    // What each queued file is (the engine knows paths; the same file means the same item).
    by_path: HashMap<PathBuf, QueueEntry>,
    // Titles left out of the last play (not downloaded).
    not_downloaded: Vec<String>,
    // The item the last play starts at and where it resumes (ms), until its track starts.
    resume_hint: Option<(ItemId, u64)>,
    // What the user chose: kept here (the engine reports these only with its next event) and
    // given to every engine started.
    shuffle: bool,
    repeat: RepeatMode,
    volume: Option<f32>,
    // Seeks the engine has made (its Seeked events).
    seeks: u64,
    // The title waiting for its prebuffer.
    loading: Option<String>,
    // Bumped by every play: a prebuffer wait that finds another play started gives up.
    play_generation: u64,
    // Files downloading to be played, by hash: a later play of the same file joins them.
    streams: HashMap<String, Arc<Growing>>,
}

/// The player's growing file, fed by the downloader.
struct Feed(Arc<Growing>);

impl DownloadFeed for Feed {
    fn written(&self, written: u64) {
        self.0.grew(written);
    }

    fn restarted(&self) {
        self.0.restarted();
    }

    fn complete(&self, path: &Path) {
        self.0.complete(path);
    }

    fn failed(&self, reason: &str) {
        self.0.fail(reason);
    }
}

impl std::fmt::Debug for PlayerSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlayerSlot")
            .field("output", &self.output)
            .field("started", &self.handle.is_some())
            .field("queued_files", &self.by_path.len())
            .finish()
    }
}

impl Core {
    fn slot(&self) -> std::sync::MutexGuard<'_, PlayerSlot> {
        self.inner.player.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Plays into `output` instead of the sound card (tests, tools: a [`MemorySink`] or
    /// [`WavSink`]). Takes effect when the player starts, i.e. before the first play.
    pub fn use_audio_output(&self, output: Box<dyn AudioOutput>) {
        self.slot().custom_output = Some(output);
    }

    /// Whether the app can play.
    pub fn playback_state(&self) -> PlaybackState {
        self.slot().output.clone()
    }

    fn handle(&self) -> Option<PlayerHandle> {
        self.slot().handle.clone()
    }

    /// The engine, started on first use (on the device, or the output given to
    /// [`Core::use_audio_output`]).
    fn ensure_player(&self) -> Result<PlayerHandle> {
        let mut slot = self.slot();
        if let Some(h) = &slot.handle {
            return Ok(h.clone());
        }
        let output: Box<dyn AudioOutput> = match slot.custom_output.take() {
            Some(o) => o,
            None => match DeviceOutput::open_default(Duration::from_millis(200)) {
                Ok(d) => Box::new(d),
                Err(e) => {
                    tracing::warn!("playback: {e}");
                    slot.output = PlaybackState::NoDevice(no_device_reason(&e));
                    drop(slot);
                    self.send_now_playing();
                    return Err(e.into());
                }
            },
        };
        let player = Player::spawn(output)?;
        let handle = player.handle();
        for cmd in self.playback_settings() {
            handle.send(cmd)?;
        }
        handle.send(PlayerCmd::SetShuffle(slot.shuffle))?;
        handle.send(PlayerCmd::SetRepeat(slot.repeat))?;
        if let Some(v) = slot.volume {
            handle.send(PlayerCmd::SetVolume(Volume::new(v)?))?;
        }
        slot.handle = Some(handle.clone());
        slot.output = PlaybackState::Ready;
        let weak = Arc::downgrade(&self.inner);
        std::thread::Builder::new()
            .name("cnt-player-events".into())
            .spawn(move || drain(weak, player))
            .map_err(|e| Error::Internal(format!("cannot start the player thread: {e}")))?;
        Ok(handle)
    }

    fn send(&self, cmd: PlayerCmd) -> Result<()> {
        match self.handle() {
            Some(h) => Ok(h.send(cmd)?),
            // Nothing was played yet: nothing to pause, skip or edit.
            None => Ok(()),
        }
    }

    /// Replaces the queue with `items` and plays from `items[start]`. Downloaded items play from
    /// their file; the others, when signed in and online, play while they download (see the module
    /// docs); offline or signed out they are left out and their download is queued. Returns at
    /// once: when the start item streams, playback begins on a helper thread once its first bytes
    /// are there ([`NowPlaying::loading`] meanwhile).
    ///
    /// # Errors
    /// [`Error::Player`] with "no audio device" when there is no sound card (the state says so
    /// too), [`Error::Library`].
    pub fn play_items(&self, items: &[ItemId], start: usize) -> Result<PlayOutcome> {
        let runtime = tokio::runtime::Handle::try_current().ok();
        let can_stream =
            runtime.is_some() && self.account().is_some() && self.connection().is_online();
        let downloader = Downloader::new(self.media_dir(), self.quota_bytes());
        let mut outcome = PlayOutcome::default();
        let Built {
            queue,
            entries,
            mut streams,
            missing,
            start_at,
        } = self.build_queue(items, start, can_stream, &downloader, &mut outcome)?;
        outcome.queued = queue.len();
        let start_ids: Vec<ItemId> = entries.iter().map(|(_, e)| e.item).collect();
        let start_at = start_at.unwrap_or(0);
        {
            let mut slot = self.slot();
            slot.not_downloaded = missing;
            slot.loading = None;
            slot.play_generation += 1;
        }
        if queue.is_empty() {
            self.send_now_playing();
            return Ok(outcome);
        }
        let handle = self.ensure_player()?;
        // Downloads in queue order, beginning with the item to start at.
        streams.sort_by_key(|(index, ..)| (*index < start_at, *index));
        let waiting = streams
            .iter()
            .find(|(index, ..)| *index == start_at)
            .map(|(_, _, g, _)| Arc::clone(g))
            .filter(|g| g.state() == Growth::Growing && g.written() < PREBUFFER_BYTES);
        self.start_streams(runtime, downloader, streams);
        let generation = {
            let mut slot = self.slot();
            slot.by_path.extend(entries);
            if waiting.is_some() {
                slot.loading = queue
                    .get(start_at)
                    .and_then(|q| slot.by_path.get(&q.path))
                    .map(|e| e.title.clone());
            }
            slot.play_generation
        };
        // Where the start item picks up (episodes, long items), asked right after the jump so that
        // nothing of its beginning is heard.
        let resume = match start_ids.get(start_at) {
            Some(id) => self.resume_at(*id)?.map(|ms| (*id, ms)),
            None => None,
        };
        self.slot().resume_hint = resume;
        let start = move |handle: &PlayerHandle| -> Result<()> {
            handle.send(PlayerCmd::Jump(start_at))?;
            if let Some((_, ms)) = resume {
                handle.send(PlayerCmd::Seek(Position::from_millis(ms)))?;
            }
            handle.send(PlayerCmd::Play)?;
            Ok(())
        };
        let Some(growing) = waiting else {
            handle.send(PlayerCmd::Clear)?;
            handle.send(PlayerCmd::Append(queue))?;
            start(&handle)?;
            return Ok(outcome);
        };
        // What played before stops now; the new queue starts once its first bytes are here.
        handle.send(PlayerCmd::Clear)?;
        self.send_now_playing();
        // Weak: a wait in progress does not keep a closing app alive.
        let weak = Arc::downgrade(&self.inner);
        std::thread::Builder::new()
            .name("cnt-play-prebuffer".into())
            .spawn(move || {
                let state = growing.wait_for(PREBUFFER_BYTES, PREBUFFER_WAIT);
                let Some(inner) = weak.upgrade() else { return };
                let core = Core { inner };
                if core.slot().play_generation != generation {
                    return; // another play came meanwhile
                }
                tracing::debug!("playback: prebuffer done ({state:?})");
                let sent = handle
                    .send(PlayerCmd::Append(queue))
                    .map_err(Error::from)
                    .and_then(|()| start(&handle));
                if let Err(e) = sent {
                    tracing::warn!("playback: {e}");
                }
            })
            .map_err(|e| Error::Internal(format!("cannot start the prebuffer thread: {e}")))?;
        Ok(outcome)
    }

    /// The queue entries for `items`: downloaded ones from their file, the others as growing files
    /// when `can_stream` (their download is joined or to be started), else left out with their
    /// download queued (`outcome.not_downloaded`, and their titles in `missing`).
    fn build_queue(
        &self,
        items: &[ItemId],
        start: usize,
        can_stream: bool,
        downloader: &Downloader,
        outcome: &mut PlayOutcome,
    ) -> Result<Built> {
        let mut queue = Vec::new();
        let mut entries = Vec::new();
        let mut start_at = None;
        let mut missing = Vec::new();
        let mut streams: Vec<(usize, DownloadJob, Arc<Growing>, bool)> = Vec::new();
        for (i, id) in items.iter().enumerate() {
            let Some(item) = self.item(*id)? else {
                continue;
            };
            let (path, growing) = match (self.offline_file(*id)?, &item.media) {
                (Some(path), _) => (path, None),
                (None, Some(media)) if can_stream => {
                    if let Err(e) = self.download(*id, false) {
                        tracing::info!("playback: cannot queue the download of {id}: {e}");
                    }
                    let (growing, fresh) = self.stream_of(downloader, media);
                    streams.push((
                        queue.len(),
                        DownloadJob {
                            item_id: *id,
                            hash: media.hash.clone(),
                            size: media.size,
                            bytes_done: 0,
                            attempts: 0,
                        },
                        Arc::clone(&growing),
                        fresh,
                    ));
                    outcome.streaming.push(*id);
                    (downloader.path_of(&media.hash), Some(growing))
                }
                (None, _) => {
                    if item.media.is_some()
                        && let Err(e) = self.download(*id, false)
                    {
                        tracing::info!("playback: cannot queue the download of {id}: {e}");
                    }
                    outcome.not_downloaded.push(*id);
                    missing.push(item.title.clone());
                    continue;
                }
            };
            if i >= start && start_at.is_none() {
                start_at = Some(queue.len());
            }
            let mut q = match growing {
                Some(g) => QueueItem::growing(path.clone(), g),
                None => QueueItem::new(path.clone()),
            };
            if let Some(text) = item.cues.as_deref() {
                q = q.with_cues(self.cue_track(text));
            }
            queue.push(q);
            entries.push((
                path,
                QueueEntry {
                    item: *id,
                    title: item.title.clone(),
                    artist: item.subtitle.clone().or(item.album_title.clone()),
                    duration_ms: item.duration_ms,
                    artwork: item.artwork.as_ref().map(|m| m.hash.clone()),
                },
            ));
        }
        Ok(Built {
            queue,
            entries,
            streams,
            missing,
            start_at,
        })
    }

    /// Starts the downloads of newly streamed files, in the given order, on the runtime.
    fn start_streams(
        &self,
        runtime: Option<tokio::runtime::Handle>,
        downloader: Downloader,
        streams: Vec<(usize, DownloadJob, Arc<Growing>, bool)>,
    ) {
        let Some(rt) = runtime else { return };
        let jobs: Vec<_> = streams
            .into_iter()
            .filter(|(.., fresh)| *fresh)
            .map(|(_, job, g, _)| (job, g))
            .collect();
        if !jobs.is_empty() {
            let core = self.clone();
            rt.spawn(async move { core.stream_downloads(downloader, jobs).await });
        }
    }

    /// Adds `items` to the queue: right after the entry being heard (`next`), else at the end.
    /// With nothing being heard it plays them instead. Items not downloaded stream or have their
    /// download queued, as with [`Core::play_items`].
    ///
    /// # Errors
    /// As [`Core::play_items`].
    pub fn add_to_queue(&self, items: &[ItemId], next: bool) -> Result<PlayOutcome> {
        let running = self.now_playing();
        let Some(current) = running.current else {
            return self.play_items(items, 0);
        };
        let runtime = tokio::runtime::Handle::try_current().ok();
        let can_stream =
            runtime.is_some() && self.account().is_some() && self.connection().is_online();
        let downloader = Downloader::new(self.media_dir(), self.quota_bytes());
        let mut outcome = PlayOutcome::default();
        let built = self.build_queue(items, 0, can_stream, &downloader, &mut outcome)?;
        outcome.queued = built.queue.len();
        self.slot().not_downloaded = built.missing;
        if built.queue.is_empty() {
            self.send_now_playing();
            return Ok(outcome);
        }
        let handle = self.ensure_player()?;
        self.slot().by_path.extend(built.entries);
        self.start_streams(runtime, downloader, built.streams);
        // "Last" is an append, so that quick additions keep their order whatever the snapshot
        // says; "next" goes right after the entry being heard.
        let cmd = if next {
            PlayerCmd::Insert {
                index: current + 1,
                items: built.queue,
            }
        } else {
            PlayerCmd::Append(built.queue)
        };
        handle.send(cmd)?;
        Ok(outcome)
    }

    /// The growing file of `media`, joined when it is already streaming; the bool says whether it is
    /// new (its download is to be started).
    fn stream_of(&self, downloader: &Downloader, media: &MediaRef) -> (Arc<Growing>, bool) {
        let mut slot = self.slot();
        if let Some(g) = slot.streams.get(&media.hash)
            && !matches!(g.state(), Growth::Failed(_))
        {
            return (Arc::clone(g), false);
        }
        let g = Arc::new(Growing::new(downloader.partial_of(&media.hash), media.size));
        slot.streams.insert(media.hash.clone(), Arc::clone(&g));
        (g, true)
    }

    /// Downloads the streamed files one after another, feeding their growing files; each is kept
    /// like any download.
    async fn stream_downloads(
        &self,
        downloader: Downloader,
        jobs: Vec<(DownloadJob, Arc<Growing>)>,
    ) {
        let token = match self.account() {
            Some(account) => self.access_token_for(&account).await,
            None => Err(Error::NotSignedIn),
        };
        let events = self.inner.events.clone();
        let mut report = |p: cnt_sync::DownloadProgress| {
            let _ = events.send(CoreEvent::Download(p));
        };
        for (job, growing) in jobs {
            let result = match &token {
                Ok(token) => {
                    let library = Arc::clone(&self.inner.library);
                    downloader
                        .download_with(
                            &self.inner.client,
                            token,
                            &library,
                            &job,
                            &mut report,
                            Some(&Feed(Arc::clone(&growing))),
                        )
                        .await
                        .map_err(|e| e.to_string())
                }
                Err(e) => {
                    growing.fail(e.to_string());
                    Err(e.to_string())
                }
            };
            match result {
                Ok(outcome) => tracing::debug!("streamed download of {}: {outcome:?}", job.hash),
                Err(e) => tracing::info!("streamed download of {}: {e}", job.hash),
            }
            let mut slot = self.slot();
            if slot
                .streams
                .get(&job.hash)
                .is_some_and(|g| Arc::ptr_eq(g, &growing))
            {
                slot.streams.remove(&job.hash);
            }
            drop(slot);
            let _ = self.inner.events.send(CoreEvent::LibraryChanged);
        }
    }

    /// Plays when paused or stopped, pauses when playing.
    ///
    /// # Errors
    /// [`Error::Player`] when the engine has stopped.
    pub fn play_pause(&self) -> Result<()> {
        self.send(PlayerCmd::TogglePause)
    }

    /// Starts or resumes.
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn play(&self) -> Result<()> {
        self.send(PlayerCmd::Play)
    }

    /// Pauses.
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn pause(&self) -> Result<()> {
        self.send(PlayerCmd::Pause)
    }

    /// Stops.
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn stop(&self) -> Result<()> {
        self.send(PlayerCmd::Stop)
    }

    /// Skips to the next entry.
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn next(&self) -> Result<()> {
        self.send(PlayerCmd::Next)
    }

    /// Back to the start of the track, or to the previous one within its first 3 s.
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn previous(&self) -> Result<()> {
        self.send(PlayerCmd::Previous)
    }

    /// Plays the queue entry at `index`.
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn jump_to(&self, index: usize) -> Result<()> {
        self.send(PlayerCmd::Jump(index))
    }

    /// Moves within the current track.
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn seek(&self, position_ms: u64) -> Result<()> {
        self.send(PlayerCmd::Seek(Position::from_millis(position_ms)))
    }

    /// Sets the volume, 0.0–1.0 (clamped).
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn set_volume(&self, linear: f32) -> Result<()> {
        let v = if linear.is_finite() {
            linear.clamp(0.0, 1.0)
        } else {
            1.0
        };
        self.slot().volume = Some(v);
        self.send(PlayerCmd::SetVolume(Volume::new(v)?))?;
        self.send_now_playing();
        Ok(())
    }

    /// The engine commands for the playback settings (crossfade, levelling).
    fn playback_settings(&self) -> [PlayerCmd; 2] {
        let settings = self.settings();
        [
            PlayerCmd::SetCrossfade(Duration::from_secs(u64::from(settings.crossfade_s))),
            PlayerCmd::SetReplayGain(ReplayGain {
                mode: settings.replay_gain.mode(),
                ..ReplayGain::default()
            }),
        ]
    }

    /// Gives the running engine (if any) the playback settings.
    pub(crate) fn apply_playback_settings(&self) {
        for cmd in self.playback_settings() {
            if let Err(e) = self.send(cmd) {
                tracing::warn!("playback settings: {e}");
            }
        }
    }

    /// Shuffle on or off (kept for the next plays too).
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn set_shuffle(&self, on: bool) -> Result<()> {
        self.slot().shuffle = on;
        self.send(PlayerCmd::SetShuffle(on))?;
        self.send_now_playing();
        Ok(())
    }

    /// Repeat off, all or one (kept for the next plays too).
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn set_repeat(&self, mode: RepeatMode) -> Result<()> {
        self.slot().repeat = mode;
        self.send(PlayerCmd::SetRepeat(mode))?;
        self.send_now_playing();
        Ok(())
    }

    /// Moves a queue entry from one index to another.
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn move_in_queue(&self, from: usize, to: usize) -> Result<()> {
        self.send(PlayerCmd::Move { from, to })
    }

    /// Removes a queue entry (removing the current one plays the next).
    ///
    /// # Errors
    /// As [`Core::play_pause`].
    pub fn remove_from_queue(&self, index: usize) -> Result<()> {
        self.send(PlayerCmd::Remove(index))
    }

    /// The queue in play order.
    pub fn queue(&self) -> Vec<QueueEntry> {
        self.now_playing().queue
    }

    /// The player now (also sent as [`CoreEvent::Player`] on every change).
    pub fn now_playing(&self) -> NowPlaying {
        let slot = self.slot();
        let state = slot.handle.as_ref().map(PlayerHandle::state);
        view(&slot, state.as_ref())
    }

    fn send_now_playing(&self) {
        let now = self.now_playing();
        let _ = self.inner.events.send(CoreEvent::Player(now));
    }

    /// Where playing `item` picks up: its saved position for spoken and long content (episodes,
    /// movies, anything of 10 minutes or more), unless it was left within 5 s of its end; `None`
    /// (from the start) for songs and for what was never started.
    ///
    /// # Errors
    /// [`Error::Library`].
    pub fn resume_at(&self, item: ItemId) -> Result<Option<u64>> {
        let Some(it) = self.item(item)? else {
            return Ok(None);
        };
        let long = it.duration_ms.is_some_and(|d| d >= RESUME_MIN_LENGTH_MS);
        if !(long || matches!(it.kind, ItemKind::Episode | ItemKind::Movie)) {
            return Ok(None);
        }
        let Some(at) = self
            .inner
            .library
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .resume_position(item)?
        else {
            return Ok(None);
        };
        let near_end = it
            .duration_ms
            .is_some_and(|d| at.saturating_add(5_000) >= d);
        Ok((at > 0 && !near_end).then_some(at))
    }

    /// An item's cue track from its LRC `cues` text, verse references resolved with the bundled Bible.
    pub(crate) fn cue_track(&self, lrc: &str) -> CueTrack {
        let mut track = parse_cues(lrc);
        if track
            .cues()
            .iter()
            .any(|c| matches!(c.payload, CuePayload::Verse(_)))
        {
            track.resolve_verses(|r| self.verse_text(r));
        }
        track
    }

    fn verse_text(&self, reference: &str) -> Option<String> {
        match self.bible_passage(reference, None) {
            Ok(p) if !p.verses.is_empty() => Some(
                cnt_scripture::bible::render_plain(&p.verses, false)
                    .trim()
                    .to_owned(),
            ),
            Ok(_) => None,
            Err(e) => {
                tracing::info!("verse cue {reference:?}: {e}");
                None
            }
        }
    }
}

fn no_device_reason(e: &cnt_player::Error) -> String {
    match e {
        cnt_player::Error::NoAudioDevice(why) => why.clone(),
        other => other.to_string(),
    }
}

/// Cues from LRC text: `{chord:G}` lines are chords, lines that read as a Bible reference are verses,
/// everything else is a lyric line.
fn parse_cues(lrc: &str) -> CueTrack {
    let lrc = Lrc::parse(lrc);
    CueTrack::new(
        lrc.lines
            .iter()
            .map(|l| {
                let text = l.text.trim();
                let payload = if let Some(chord) = text
                    .strip_prefix("{chord:")
                    .and_then(|r| r.strip_suffix('}'))
                {
                    CuePayload::Chord(chord.trim().to_owned())
                } else if is_reference(text) {
                    CuePayload::Verse(VerseRef {
                        reference: text.to_owned(),
                        text: None,
                    })
                } else {
                    CuePayload::Lyric {
                        text: text.to_owned(),
                        words: l
                            .words
                            .iter()
                            .map(|w| TimedWord {
                                at: Position::from_millis(w.at_ms),
                                text: w.text.clone(),
                            })
                            .collect(),
                    }
                };
                Cue {
                    at: Position::from_millis(l.at_ms),
                    payload,
                }
            })
            .collect(),
    )
}

fn is_reference(text: &str) -> bool {
    text.len() <= 40
        && text.chars().any(|c| c.is_ascii_digit())
        && cnt_scripture::Reference::parse(text).is_ok()
}

fn percent(linear: f32) -> u8 {
    (linear.clamp(0.0, 1.0) * 100.0).round() as u8
}

fn ms(p: Position) -> u64 {
    u64::try_from(p.as_duration().as_millis()).unwrap_or(u64::MAX)
}

fn view(slot: &PlayerSlot, state: Option<&PlayerState>) -> NowPlaying {
    let mut now = NowPlaying {
        output: slot.output.clone(),
        not_downloaded: slot.not_downloaded.clone(),
        shuffle: slot.shuffle,
        seeks: slot.seeks,
        repeat: slot.repeat,
        volume_percent: percent(slot.volume.unwrap_or(1.0)),
        loading: slot.loading.clone(),
        ..NowPlaying::default()
    };
    let Some(state) = state else {
        return now;
    };
    now.status = state.status;
    now.queue = state
        .queue
        .iter()
        .map(|(_, path)| {
            slot.by_path
                .get(path)
                .cloned()
                .unwrap_or_else(|| QueueEntry {
                    item: ItemId::default(),
                    title: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    artist: None,
                    duration_ms: None,
                    artwork: None,
                })
        })
        .collect();
    now.current = state
        .current
        .and_then(|c| state.queue.iter().position(|(e, _)| *e == c));
    now.position_ms = state.position.map(ms).unwrap_or(0);
    now.duration_ms = state
        .track
        .as_ref()
        .and_then(|t| t.frames.and_then(|f| Position::new(f, t.rate).ok()).map(ms))
        .or_else(|| now.current_entry().and_then(|e| e.duration_ms));
    // The user's choice first: the engine's own report lags one event behind it.
    now.volume_percent = match (slot.volume, state.volume) {
        (Some(v), _) => percent(v),
        (None, Some(v)) => percent(v.linear()),
        (None, None) => 100,
    };
    now.verse = state.showing.verse.as_ref().and_then(|c| match &c.payload {
        CuePayload::Verse(v) => Some(v.clone()),
        _ => None,
    });
    now.lyric = state.showing.lyric.as_ref().and_then(|c| match &c.payload {
        CuePayload::Lyric { text, .. } if !text.is_empty() => Some(text.clone()),
        _ => None,
    });
    now.chord = state.showing.chord.as_ref().and_then(|c| match &c.payload {
        CuePayload::Chord(c) => Some(c.clone()),
        _ => None,
    });
    now.last_error = state.last_error.clone();
    now
}

/// Where the resume position was last saved, per entry heard.
#[derive(Default)]
struct Resume {
    // (entry, item, last known position, last saved position)
    current: Option<(EntryId, ItemId, u64, u64)>,
}

impl Resume {
    fn save(core: &Core, item: ItemId, position_ms: u64) {
        if item == ItemId::default() {
            return;
        }
        if let Err(e) = core.record_play(item, position_ms) {
            tracing::debug!("resume position of {item}: {e}");
        }
    }

    fn follow(&mut self, core: &Core, ev: &PlayerEvent, state: &PlayerState) {
        let item_of = |entry: EntryId| -> Option<ItemId> {
            let path = state.queue.iter().find(|(e, _)| *e == entry)?.1.clone();
            core.slot().by_path.get(&path).map(|q| q.item)
        };
        match ev {
            PlayerEvent::TrackStarted { entry, .. } => {
                // A skip: keep where the previous one was left.
                if let Some((e, item, pos, saved)) = self.current.take()
                    && e != *entry
                    && pos != saved
                {
                    Resume::save(core, item, pos);
                }
                if let Some(item) = item_of(*entry) {
                    // Where it starts: the resume position the play asked for, else 0.
                    let from = {
                        let mut slot = core.slot();
                        match slot.resume_hint {
                            Some((hinted, at)) if hinted == item => {
                                slot.resume_hint = None;
                                at
                            }
                            _ => 0,
                        }
                    };
                    Resume::save(core, item, from);
                    self.current = Some((*entry, item, from, from));
                }
            }
            PlayerEvent::Position { entry, position } | PlayerEvent::Seeked { entry, position } => {
                if let Some((e, item, pos, saved)) = self.current.as_mut()
                    && *e == *entry
                {
                    *pos = ms(*position);
                    if pos.abs_diff(*saved) >= RESUME_EVERY.as_millis() as u64 {
                        *saved = *pos;
                        Resume::save(core, *item, *pos);
                    }
                }
            }
            PlayerEvent::StatusChanged(s) if *s != PlaybackStatus::Playing => {
                if let Some((_, item, pos, saved)) = self.current.as_mut()
                    && *pos != *saved
                {
                    *saved = *pos;
                    Resume::save(core, *item, *pos);
                }
            }
            PlayerEvent::TrackEnded { entry, .. } => {
                if let Some((e, item, _, _)) = self.current
                    && e == *entry
                {
                    // Heard to the end: nothing to resume.
                    Resume::save(core, item, 0);
                    self.current = None;
                }
            }
            _ => {}
        }
    }
}

/// Drains the engine's events until the core is gone, then stops the engine.
fn drain(weak: Weak<Inner>, player: Player) {
    let mut resume = Resume::default();
    loop {
        match player.events().recv_timeout(Duration::from_millis(500)) {
            Ok(ev) => {
                let Some(inner) = weak.upgrade() else { break };
                let core = Core { inner };
                let state = player.state();
                resume.follow(&core, &ev, &state);
                if matches!(
                    ev,
                    PlayerEvent::TrackStarted { .. }
                        | PlayerEvent::TrackError { .. }
                        | PlayerEvent::QueueEnded
                ) {
                    // The streamed item's audio started (or it failed): no longer loading.
                    core.slot().loading = None;
                }
                match &ev {
                    PlayerEvent::OutputError(e) => tracing::warn!("audio output: {e}"),
                    PlayerEvent::Seeked { .. } => core.slot().seeks += 1,
                    _ => {}
                }
                let now = view(&core.slot(), Some(&state));
                let _ = core.inner.events.send(CoreEvent::Player(now));
            }
            Err(RecvTimeoutError::Timeout) => {
                if weak.strong_count() == 0 {
                    break;
                }
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    let _ = player.shutdown();
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{CoreOptions, MemoryStore, MonitorTiming};
    use cnt_model::sync::{CatalogItem, Change, ChangeOp, ChangesPage, ItemKind, MediaRef, Record};
    use std::path::Path;

    const GAPLESS: &str = "../../../shared/data/gapless/44k/flac";

    pub(crate) struct Fixture {
        _dir: tempfile::TempDir,
        pub(crate) core: Core,
        pub(crate) items: Vec<ItemId>,
    }

    /// A core (signed out, offline) whose library holds the three gapless FLAC tracks, downloaded.
    pub(crate) fn fixture() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let core = Core::start(CoreOptions {
            data_dir: Some(dir.path().join("data")),
            config_file: Some(dir.path().join("config.toml")),
            server: Some("http://127.0.0.1:9".into()),
            secrets: Some(Arc::new(MemoryStore::new())),
            timing: Some(MonitorTiming {
                online_interval: Duration::from_secs(60),
                offline_initial: Duration::from_secs(60),
                offline_max: Duration::from_secs(60),
            }),
        })
        .expect("core");
        std::fs::create_dir_all(core.media_dir()).expect("media dir");
        let mut items = Vec::new();
        let mut changes = Vec::new();
        for n in 1..=3u8 {
            let src = Path::new(GAPLESS).join(format!("track0{n}.flac"));
            let hash = format!("{n:064x}");
            let size = std::fs::copy(&src, core.media_dir().join(&hash)).expect("copy");
            let mut item = CatalogItem::new(ItemKind::Track, format!("Track {n}"));
            item.subtitle = Some("Gapless Choir".into());
            item.media = Some(MediaRef {
                hash,
                size,
                mime: "audio/flac".into(),
            });
            if n < 3 {
                // Tracks 1 and 2 share a cover that is on the device.
                let hash = format!("{:064x}", 0xa1);
                std::fs::create_dir_all(core.artwork_dir()).expect("artwork dir");
                std::fs::write(
                    core.artwork_dir().join(&hash),
                    r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="teal"/></svg>"#,
                )
                .expect("cover");
                item.artwork = Some(MediaRef {
                    hash,
                    size: 100,
                    mime: "image/svg+xml".into(),
                });
            }
            if n == 1 {
                item.cues =
                    Some("[00:00.50]Psalm 23:1\n[00:01.00]The Lord is my shepherd\n".into());
            }
            items.push(item.id);
            changes.push(Change {
                version: i64::from(n),
                op: ChangeOp::Upsert {
                    record: Record::Item(Box::new(item)),
                },
            });
        }
        // A fourth item whose file is not here.
        let mut missing = CatalogItem::new(ItemKind::Track, "Not here");
        missing.media = Some(MediaRef {
            hash: format!("{:064x}", 9),
            size: 10,
            mime: "audio/flac".into(),
        });
        items.push(missing.id);
        changes.push(Change {
            version: 4,
            op: ChangeOp::Upsert {
                record: Record::Item(Box::new(missing)),
            },
        });
        {
            let mut lib = core.inner.library.lock().expect("lib");
            lib.apply_page(
                0,
                &ChangesPage {
                    changes,
                    next_cursor: 4,
                    has_more: false,
                    head: 4,
                },
            )
            .expect("apply");
            for n in 1..=3u8 {
                lib.queue_download(items[usize::from(n) - 1], false)
                    .expect("queue");
                lib.download_done(&format!("{n:064x}")).expect("done");
            }
        }
        Fixture {
            _dir: dir,
            core,
            items,
        }
    }

    /// Player snapshots until `until` holds; returns every one seen.
    async fn watch(
        events: &mut tokio::sync::broadcast::Receiver<CoreEvent>,
        mut until: impl FnMut(&NowPlaying) -> bool,
    ) -> Vec<NowPlaying> {
        let mut seen = Vec::new();
        loop {
            match events.recv().await {
                Ok(CoreEvent::Player(now)) => {
                    let done = until(&now);
                    seen.push(now);
                    if done {
                        return seen;
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    panic!("the test fell {n} events behind")
                }
                Err(e) => panic!("{e}"),
            }
        }
    }

    fn titles_heard(seen: &[NowPlaying]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for now in seen {
            if let Some(e) = now.current_entry()
                && out.last() != Some(&e.title)
            {
                out.push(e.title.clone());
            }
        }
        out
    }

    #[tokio::test]
    async fn downloaded_items_play_in_order_with_their_verse_cue_resolved() {
        let f = fixture();
        let (sink, tap) = MemorySink::gated(44_100, 2);
        f.core.use_audio_output(Box::new(sink));
        let mut events = f.core.subscribe();
        let outcome = f.core.play_items(&f.items, 0).expect("play");
        assert_eq!(outcome.queued, 3);
        assert_eq!(
            outcome.not_downloaded,
            vec![f.items[3]],
            "the fourth is missing"
        );
        assert!(outcome.streaming.is_empty(), "signed out: nothing streams");
        assert_eq!(f.core.playback_state(), PlaybackState::Ready);
        // 1.5 s in: the verse (0.5 s) and the lyric (1 s) show; the gated sink holds the engine there.
        tap.allow(66_150);
        let mut seen = watch(&mut events, |n| n.verse.is_some() && n.lyric.is_some()).await;
        tap.open();
        let mut saw_last = false;
        seen.extend(
            watch(&mut events, |n| {
                saw_last |= n.current == Some(2);
                saw_last && n.current.is_none()
            })
            .await,
        );
        assert_eq!(titles_heard(&seen), ["Track 1", "Track 2", "Track 3"]);
        // The whole 10 s signal was played, gaplessly.
        assert_eq!(tap.frames(), 441_000);
        let verse = seen
            .iter()
            .find_map(|n| n.verse.clone())
            .expect("the verse cue showed");
        assert_eq!(verse.reference, "Psalm 23:1");
        let text = verse.text.expect("resolved from the bundled Bible");
        assert!(text.contains("shepherd"), "{text}");
        assert!(
            seen.iter()
                .any(|n| n.lyric.as_deref() == Some("The Lord is my shepherd"))
        );
        assert!(
            seen.iter()
                .any(|n| n.duration_ms.is_some_and(|d| d > 1000 && d < 5000)),
            "durations come from the decoder"
        );
        // The missing item's download was queued.
        let downloads = f.core.downloads().expect("downloads");
        assert!(
            downloads.iter().any(|d| d.item.id == f.items[3]),
            "{downloads:?}"
        );
    }

    #[tokio::test]
    async fn the_queue_can_be_reordered_and_trimmed_while_playing() {
        let f = fixture();
        let (sink, tap) = MemorySink::gated(44_100, 2);
        f.core.use_audio_output(Box::new(sink));
        let mut events = f.core.subscribe();
        f.core.play_items(&f.items[..3], 0).expect("play");
        tap.allow(4_410);
        watch(&mut events, |n| n.current == Some(0)).await;
        f.core.move_in_queue(2, 1).expect("move");
        f.core.remove_from_queue(2).expect("remove");
        f.core.set_volume(0.5).expect("volume");
        tap.allow(4_410);
        let seen = watch(&mut events, |n| n.queue.len() == 2).await;
        let last = seen.last().expect("a snapshot");
        let order: Vec<&str> = last.queue.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(order, ["Track 1", "Track 3"]);
        assert_eq!(f.core.queue().len(), 2);
        // The volume shows with the next position report.
        tap.allow(44_100);
        watch(&mut events, |n| n.volume_percent == 50).await;
        tap.open();
        let seen = watch(&mut events, |n| {
            n.status == PlaybackStatus::Stopped && n.current.is_none()
        })
        .await;
        let heard = titles_heard(&seen);
        assert_eq!(heard.last().map(String::as_str), Some("Track 3"));
        assert!(!heard.iter().any(|t| t == "Track 2"), "{heard:?}");
    }

    #[tokio::test]
    async fn pause_seek_and_skip_drive_the_engine() {
        let f = fixture();
        let (sink, tap) = MemorySink::gated(44_100, 2);
        f.core.use_audio_output(Box::new(sink));
        let mut events = f.core.subscribe();
        f.core.play_items(&f.items[..3], 1).expect("play");
        tap.allow(4_410);
        let seen = watch(&mut events, |n| n.current.is_some()).await;
        assert_eq!(
            seen.last()
                .and_then(|n| n.current_entry())
                .map(|e| e.title.as_str()),
            Some("Track 2"),
            "starts at the given index"
        );
        f.core.play_pause().expect("pause");
        tap.allow(44_100);
        watch(&mut events, |n| n.status == PlaybackStatus::Paused).await;
        f.core.seek(2_000).expect("seek");
        f.core.play().expect("play");
        tap.allow(44_100);
        watch(&mut events, |n| {
            n.status == PlaybackStatus::Playing && n.position_ms >= 2_000
        })
        .await;
        f.core.next().expect("next");
        tap.allow(44_100);
        let seen = watch(&mut events, |n| n.current == Some(2)).await;
        assert_eq!(
            seen.last()
                .and_then(|n| n.current_entry())
                .map(|e| e.title.as_str()),
            Some("Track 3")
        );
        f.core.stop().expect("stop");
        tap.open();
        watch(&mut events, |n| n.status == PlaybackStatus::Stopped).await;
    }

    #[tokio::test]
    async fn without_a_sound_card_playing_says_no_audio_device() {
        let f = fixture();
        let mut events = f.core.subscribe();
        match f.core.play_items(&f.items[..1], 0) {
            Err(e) => {
                assert!(e.to_string().contains("no audio device"), "{e}");
                assert!(matches!(
                    f.core.playback_state(),
                    PlaybackState::NoDevice(_)
                ));
                let seen = watch(&mut events, |n| {
                    matches!(n.output, PlaybackState::NoDevice(_))
                })
                .await;
                assert!(!seen.is_empty());
                // The other controls are harmless.
                f.core.play_pause().expect("nothing to do");
                f.core.next().expect("nothing to do");
            }
            // A machine with a sound card (or ALSA's null device as default).
            Ok(_) => assert_eq!(f.core.playback_state(), PlaybackState::Ready),
        }
    }

    #[tokio::test]
    async fn shuffle_repeat_and_volume_show_at_once_and_reach_every_engine() {
        let f = fixture();
        let mut events = f.core.subscribe();
        // Before anything plays: kept, and shown.
        f.core.set_shuffle(true).expect("shuffle");
        f.core.set_repeat(RepeatMode::All).expect("repeat");
        f.core.set_volume(0.4).expect("volume");
        let now = f.core.now_playing();
        assert!(now.shuffle);
        assert_eq!(now.repeat, RepeatMode::All);
        assert_eq!(now.volume_percent, 40);
        watch(&mut events, |n| n.shuffle && n.repeat == RepeatMode::All).await;
        // The engine started by the first play gets them.
        let (sink, tap) = MemorySink::gated(44_100, 2);
        f.core.use_audio_output(Box::new(sink));
        f.core.play_items(&f.items[..3], 0).expect("play");
        tap.allow(4_410);
        watch(&mut events, |n| n.current.is_some()).await;
        let state = f.core.handle().expect("started").state();
        assert!(state.shuffle);
        assert_eq!(state.repeat, RepeatMode::All);
        assert_eq!(state.volume.map(|v| percent(v.linear())), Some(40));
        // Changed while playing: shown at once, without waiting for the engine's next report.
        f.core.set_repeat(RepeatMode::One).expect("repeat one");
        assert_eq!(f.core.now_playing().repeat, RepeatMode::One);
        f.core.set_volume(0.9).expect("volume");
        assert_eq!(f.core.now_playing().volume_percent, 90);
        f.core.stop().expect("stop");
        tap.open();
    }

    #[tokio::test]
    async fn items_added_to_the_queue_play_next_or_last() {
        let f = fixture();
        let (sink, tap) = MemorySink::gated(44_100, 2);
        f.core.use_audio_output(Box::new(sink));
        let mut events = f.core.subscribe();
        // Nothing playing: adding plays.
        let outcome = f.core.add_to_queue(&f.items[..1], false).expect("add");
        assert_eq!(outcome.queued, 1);
        tap.allow(4_410);
        watch(&mut events, |n| n.current == Some(0)).await;
        // Track 2 at the end, then track 3 next: 1, 3, 2. The missing fourth is reported.
        f.core
            .add_to_queue(&f.items[1..2], false)
            .expect("add last");
        let outcome = f
            .core
            .add_to_queue(&[f.items[2], f.items[3]], true)
            .expect("add next");
        assert_eq!(outcome.not_downloaded, vec![f.items[3]]);
        tap.allow(4_410);
        let seen = watch(&mut events, |n| n.queue.len() == 3).await;
        let order: Vec<String> = seen
            .last()
            .expect("a snapshot")
            .queue
            .iter()
            .map(|e| e.title.clone())
            .collect();
        assert_eq!(order, ["Track 1", "Track 3", "Track 2"]);
        tap.open();
        let mut saw_last = false;
        let seen = watch(&mut events, |n| {
            saw_last |= n.current == Some(2);
            saw_last && n.current.is_none()
        })
        .await;
        assert_eq!(titles_heard(&seen), ["Track 1", "Track 3", "Track 2"]);
        assert_eq!(tap.frames(), 441_000, "all three, whole");
    }

    #[tokio::test]
    async fn crossfade_and_levelling_are_saved_and_given_to_the_engine() {
        let f = fixture();
        f.core.set_crossfade_s(30).expect("crossfade");
        f.core
            .set_replay_gain(crate::Levelling::Album)
            .expect("levelling");
        assert_eq!(f.core.settings().crossfade_s, 12, "at most 12 s");
        let file = std::fs::read_to_string(f.core.config_file()).expect("saved");
        assert!(file.contains("crossfade_s = 12"), "{file}");
        assert!(file.contains("replay_gain = \"album\""), "{file}");
        let mut events = f.core.subscribe();
        let (sink, tap) = MemorySink::gated(44_100, 2);
        f.core.use_audio_output(Box::new(sink));
        f.core.play_items(&f.items[..3], 0).expect("play");
        tap.allow(4_410);
        watch(&mut events, |n| n.current.is_some()).await;
        let state = f.core.handle().expect("started").state();
        assert_eq!(state.crossfade, Duration::from_secs(12));
        assert_eq!(
            state.replay_gain.map(|r| r.mode),
            Some(cnt_player::ReplayGainMode::Album)
        );
        // Changed while playing: the engine follows.
        f.core.set_crossfade_s(0).expect("gapless again");
        f.core.stop().expect("stop");
        tap.allow(44_100);
        watch(&mut events, |n| n.status == PlaybackStatus::Stopped).await;
        assert_eq!(
            f.core.handle().expect("started").state().crossfade,
            Duration::ZERO
        );
        tap.open();
    }

    #[test]
    fn cues_split_into_verses_lyrics_and_chords() {
        let track = parse_cues(
            "[00:01.00]Psalm 23:1\n[00:02.50]The Lord is my shepherd\n[00:03.00]{chord:G/B}\n",
        );
        let kinds: Vec<_> = track.cues().iter().map(|c| c.payload.clone()).collect();
        assert_eq!(
            kinds[0],
            CuePayload::Verse(VerseRef {
                reference: "Psalm 23:1".into(),
                text: None
            })
        );
        assert!(
            matches!(&kinds[1], CuePayload::Lyric { text, .. } if text == "The Lord is my shepherd")
        );
        assert_eq!(kinds[2], CuePayload::Chord("G/B".into()));
        assert_eq!(track.cues()[1].at, Position::from_millis(2500));
    }
}
