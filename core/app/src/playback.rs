//! Playback through the core, for the command line today (the player bar and MPRIS come with the
//! player issue's UI work): render files gaplessly to a WAV file, or play them on the sound card.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cnt_player::{DeviceOutput, Player, PlayerCmd, PlayerEvent, QueueItem, RenderOptions};

pub use cnt_player::{RenderReport, RenderedTrack};

use crate::{Core, Result};

/// What happened to one file while playing on the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlayNote {
    /// A file started (its path and a one-line description: codec, rate, trims).
    Started(PathBuf, String),
    /// A file could not be played; playback went on with the next.
    Failed(PathBuf, String),
}

impl Core {
    /// Plays `files` gaplessly into a WAV file at the tracks' own rate (no sound card needed) and
    /// reports, per file, how many samples were trimmed and from which metadata.
    ///
    /// # Errors
    /// [`crate::Error::Player`] when the WAV cannot be written or no file can be decoded.
    pub fn render_to_wav(&self, files: &[PathBuf], out: &Path) -> Result<RenderReport> {
        Ok(cnt_player::render_to_wav(
            files,
            out,
            RenderOptions::default(),
        )?)
    }

    /// Plays `files` on the default sound card until the queue ends, calling `note` as files start
    /// or fail.
    ///
    /// # Errors
    /// [`crate::Error::Player`]: "no audio device" without a sound card, and engine failures.
    pub fn play_on_device(&self, files: &[PathBuf], note: &mut dyn FnMut(PlayNote)) -> Result<()> {
        let device = DeviceOutput::open_default(Duration::from_millis(200))?;
        let player = Player::spawn(Box::new(device))?;
        player.send(PlayerCmd::Append(
            files.iter().cloned().map(QueueItem::new).collect(),
        ))?;
        player.send(PlayerCmd::Play)?;
        let mut paths: Vec<(cnt_player::EntryId, PathBuf)> = Vec::new();
        for event in player.events().iter() {
            match event {
                PlayerEvent::QueueChanged(queue) => paths = queue,
                PlayerEvent::TrackStarted { entry, info, .. } => {
                    let path = paths
                        .iter()
                        .find(|(e, _)| *e == entry)
                        .map(|(_, p)| p.clone())
                        .unwrap_or_default();
                    note(PlayNote::Started(
                        path,
                        format!(
                            "{:?} {} Hz, trims from {:?}",
                            info.codec, info.rate, info.gapless.source
                        ),
                    ));
                }
                PlayerEvent::TrackError { path, error, .. } => {
                    note(PlayNote::Failed(path, error.to_string()))
                }
                PlayerEvent::OutputError(e) => {
                    let _ = player.shutdown();
                    return Err(crate::Error::Internal(format!("audio output: {e}")));
                }
                PlayerEvent::QueueEnded => break,
                _ => {}
            }
        }
        player.shutdown()?;
        Ok(())
    }
}
