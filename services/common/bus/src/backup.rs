//! Backups of the whole store with JetStream's own snapshot and restore
//! API (`$JS.API.STREAM.SNAPSHOT.<stream>`, `$JS.API.STREAM.RESTORE.<stream>`):
//! every stream, and so every key-value bucket (`KV_<bucket>`) and object
//! store (`OBJ_<bucket>`), saved as the bytes the server sends, beside the
//! configuration and state it sent with them. Restoring hands the same
//! bytes back to a server, which rebuilds each stream as it was.
//!
//! A backup is a directory: one folder per stream holding `backup.json`
//! (the stream's configuration and state, the body of the restore request)
//! and `data.s2` (the server's snapshot, S2-compressed), and a manifest
//! (`imrf-backup.json`) written last, so a backup cut short has none and
//! cannot be restored by mistake. The manifest gives each stream's SHA-256,
//! checked before anything is sent back.
//!
//! The snapshots leave the consumers out: each service creates its durable
//! consumers again when it starts on the restored store, and they deliver
//! their stream from its start again, which the services apply at most once
//! by design (a contribution is written only over an older one, an
//! aggregate version only over an older version).
//!
//! Streams are snapshotted one after the other, never all at one instant,
//! so the order keeps every stream consistent with those it depends on
//! when writes continue during a backup: what is derived from the record
//! first (it may then lag the record, and the consumers' replay brings it
//! up to date, where taken after it could count what the record lacks);
//! then the record streams; then what a service writes before the event
//! that refers to it (the request ledgers, the focal points, the drafts),
//! so that nothing in the record refers to what the backup lacks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_nats::Client;
use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::hex;
use crate::names::{STREAMS, bucket, object_bucket};

/// The manifest of a backup directory.
pub const MANIFEST: &str = "imrf-backup.json";
/// A stream's configuration and state, inside its folder.
pub const STREAM_META: &str = "backup.json";
/// A stream's snapshot bytes, inside its folder.
pub const STREAM_DATA: &str = "data.s2";
/// Version of the manifest's layout.
const FORMAT: u64 = 1;
/// Bytes per chunk: well under the server's 1 MB payload limit.
const CHUNK: usize = 128 * 1024;

/// What went wrong with a backup or a restore.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The server could not be reached or did not answer in time.
    #[error("NATS: {0}")]
    Unavailable(String),
    /// The server refused the request (its own description).
    #[error("{0}")]
    Refused(String),
    /// The backup directory is incomplete, damaged or not a backup.
    #[error("{0}")]
    Damaged(String),
    /// Reading or writing the backup directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn unavailable(err: impl std::fmt::Display) -> BackupError {
    BackupError::Unavailable(err.to_string())
}

/// One stream of a backup, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StreamEntry {
    /// Stream name (`KV_<bucket>` for a bucket, `OBJ_<bucket>` for an object store).
    pub name: String,
    /// Messages in the stream when it was snapshotted.
    pub messages: u64,
    /// Bytes the stream held.
    pub bytes: u64,
    /// Its last sequence.
    pub last_sequence: u64,
    /// Size of the snapshot file.
    pub snapshot_bytes: u64,
    /// SHA-256 of the snapshot file, hex.
    pub sha256: String,
}

/// The manifest: what a backup holds, in the order it was taken (and is
/// restored).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Layout version.
    pub format: u64,
    /// When the backup started (RFC 3339, UTC).
    pub started_at: String,
    /// The streams.
    pub streams: Vec<StreamEntry>,
}

/// A stream's place in the order of a backup (see the module's header):
/// derived state, then the record, then what is written before its event;
/// a stream the platform does not know comes last.
fn rank(stream: &str) -> (u8, &str) {
    let class = if stream == crate::names::AGGREGATES.name
        || stream.strip_prefix("KV_") == Some(bucket::NATIONAL_AGGREGATES)
    {
        0
    } else if STREAMS.iter().any(|s| s.name == stream) {
        1
    } else if stream.starts_with("KV_")
        || stream.strip_prefix("OBJ_") == Some(object_bucket::DRAFTS)
    {
        2
    } else {
        3
    };
    (class, stream)
}

/// Waits up to `timeout` for JetStream to answer: a cluster just brought
/// up (to restore onto) answers only once it has elected its leader.
async fn ready(client: &Client, timeout: Duration) -> Result<(), BackupError> {
    let mut jetstream = async_nats::jetstream::new(client.clone());
    // Asked often and briefly, so the wait ends soon after the leader is in.
    jetstream.set_timeout(Duration::from_millis(500));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        match jetstream.query_account().await {
            Ok(_) => return Ok(()),
            Err(err) if tokio::time::Instant::now() < deadline => {
                tracing::debug!(error = %err, "JetStream not answering yet");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(err) => {
                return Err(unavailable(format!(
                    "JetStream did not answer within {timeout:?}: {err}"
                )));
            }
        }
    }
}

/// The names of every stream on the server, in backup order.
pub async fn stream_names(client: &Client) -> Result<Vec<String>, BackupError> {
    let jetstream = async_nats::jetstream::new(client.clone());
    let mut names: Vec<String> = Vec::new();
    let mut listing = jetstream.stream_names();
    while let Some(name) = listing.next().await {
        names.push(name.map_err(unavailable)?);
    }
    names.sort_by(|a, b| rank(a).cmp(&rank(b)));
    Ok(names)
}

/// An API answer: its JSON, or the server's own description of why it
/// refused (`what` names the request in either message).
fn answer_of(what: &str, payload: &[u8]) -> Result<Value, BackupError> {
    let answer: Value = serde_json::from_slice(payload)
        .map_err(|e| BackupError::Refused(format!("{what}: unreadable answer: {e}")))?;
    match answer.get("error") {
        Some(error) => Err(BackupError::Refused(format!(
            "{what}: {}",
            error
                .get("description")
                .and_then(Value::as_str)
                .map_or_else(|| error.to_string(), str::to_string)
        ))),
        None => Ok(answer),
    }
}

async fn api_request(
    client: &Client,
    subject: String,
    body: &Value,
    timeout: Duration,
) -> Result<Value, BackupError> {
    let payload = Bytes::from(body.to_string());
    let answer = client
        .send_request(
            subject.clone(),
            async_nats::Request::new()
                .payload(payload)
                .timeout(Some(timeout)),
        )
        .await
        .map_err(|e| unavailable(format!("{subject}: {e}")))?;
    answer_of(&subject, &answer.payload)
}

/// Snapshots `stream` into `folder` (created), waiting at most `timeout`
/// for each chunk.
pub async fn snapshot_stream(
    client: &Client,
    stream: &str,
    folder: &Path,
    timeout: Duration,
) -> Result<StreamEntry, BackupError> {
    tokio::fs::create_dir_all(folder)
        .await
        .map_err(io(folder))?;
    let inbox = client.new_inbox();
    let mut chunks = client.subscribe(inbox.clone()).await.map_err(unavailable)?;
    let answer = api_request(
        client,
        format!("$JS.API.STREAM.SNAPSHOT.{stream}"),
        &json!({ "deliver_subject": inbox, "no_consumers": true, "chunk_size": CHUNK }),
        timeout,
    )
    .await?;
    let state = answer.get("state").cloned().unwrap_or(Value::Null);
    let meta = json!({ "config": answer.get("config"), "state": state });

    let data = folder.join(STREAM_DATA);
    let mut file = tokio::fs::File::create(&data).await.map_err(io(&data))?;
    let mut hash = Sha256::new();
    let mut size = 0u64;
    loop {
        let chunk = tokio::time::timeout(timeout, chunks.next())
            .await
            .map_err(|_| unavailable(format!("snapshot of {stream} stalled for {timeout:?}")))?
            .ok_or_else(|| unavailable(format!("snapshot of {stream}: connection closed")))?;
        if let Some(status) = chunk.status
            && !status.is_success()
        {
            return Err(BackupError::Refused(format!(
                "snapshot of {stream}: {status} {}",
                chunk.description.unwrap_or_default()
            )));
        }
        if chunk.payload.is_empty() {
            break;
        }
        file.write_all(&chunk.payload).await.map_err(io(&data))?;
        hash.update(&chunk.payload);
        size += chunk.payload.len() as u64;
        // The server sends on only as the chunks are acknowledged.
        if let Some(reply) = chunk.reply {
            client
                .publish(reply, Bytes::new())
                .await
                .map_err(unavailable)?;
        }
    }
    file.sync_all().await.map_err(io(&data))?;
    let meta_path = folder.join(STREAM_META);
    write_durably(&meta_path, meta.to_string().as_bytes()).await?;
    let number = |key: &str| state.get(key).and_then(Value::as_u64).unwrap_or(0);
    Ok(StreamEntry {
        name: stream.to_string(),
        messages: number("messages"),
        bytes: number("bytes"),
        last_sequence: number("last_seq"),
        snapshot_bytes: size,
        sha256: hex(&hash.finalize()),
    })
}

async fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let mut file = tokio::fs::File::create(path).await.map_err(io(path))?;
    file.write_all(bytes).await.map_err(io(path))?;
    file.sync_all().await.map_err(io(path))
}

/// Backs up every stream of the server into `dir`, which must be new or
/// empty; the manifest is written last.
pub async fn backup(
    client: &Client,
    dir: &Path,
    timeout: Duration,
) -> Result<Manifest, BackupError> {
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(BackupError::Damaged(format!(
            "{} is not empty: back up into a new directory",
            dir.display()
        )));
    }
    tokio::fs::create_dir_all(dir).await.map_err(io(dir))?;
    ready(client, timeout).await?;
    let started_at = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let mut streams = Vec::new();
    for name in stream_names(client).await? {
        streams.push(snapshot_stream(client, &name, &dir.join(&name), timeout).await?);
    }
    let manifest = Manifest {
        format: FORMAT,
        started_at,
        streams,
    };
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| BackupError::Damaged(format!("manifest: {e}")))?;
    write_durably(&dir.join(MANIFEST), text.as_bytes()).await?;
    Ok(manifest)
}

/// Reads a backup's manifest and checks every snapshot against it, so a
/// damaged backup is refused before anything is restored.
pub async fn verify(dir: &Path) -> Result<Manifest, BackupError> {
    let path = dir.join(MANIFEST);
    let text = tokio::fs::read(&path).await.map_err(|e| {
        BackupError::Damaged(format!(
            "{}: {e} (a backup cut short has no manifest)",
            path.display()
        ))
    })?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|e| BackupError::Damaged(format!("{}: {e}", path.display())))?;
    if manifest.format != FORMAT {
        return Err(BackupError::Damaged(format!(
            "{}: layout {} (this version reads {FORMAT})",
            path.display(),
            manifest.format
        )));
    }
    for entry in &manifest.streams {
        let data = dir.join(&entry.name).join(STREAM_DATA);
        let mut file = tokio::fs::File::open(&data).await.map_err(io(&data))?;
        let mut hash = Sha256::new();
        let mut buffer = vec![0; CHUNK];
        loop {
            let n = file.read(&mut buffer).await.map_err(io(&data))?;
            if n == 0 {
                break;
            }
            hash.update(&buffer[..n]);
        }
        if hex(&hash.finalize()) != entry.sha256 {
            return Err(BackupError::Damaged(format!(
                "{}: its SHA-256 is not the manifest's: the backup is damaged",
                data.display()
            )));
        }
    }
    Ok(manifest)
}

/// Restores the stream of `folder`, with `replicas` instead of the backed
/// up count when given (a backup of a cluster restored on one server).
/// Returns the restored stream's message count.
pub async fn restore_stream(
    client: &Client,
    folder: &Path,
    replicas: Option<usize>,
    timeout: Duration,
) -> Result<u64, BackupError> {
    let meta_path = folder.join(STREAM_META);
    let meta = tokio::fs::read(&meta_path).await.map_err(io(&meta_path))?;
    let mut meta: Value = serde_json::from_slice(&meta)
        .map_err(|e| BackupError::Damaged(format!("{}: {e}", meta_path.display())))?;
    if let (Some(replicas), Some(config)) = (replicas, meta.get_mut("config")) {
        config["num_replicas"] = json!(replicas);
    }
    let name = meta
        .pointer("/config/name")
        .and_then(Value::as_str)
        .ok_or_else(|| BackupError::Damaged(format!("{}: no stream name", meta_path.display())))?
        .to_string();
    let answer = api_request(
        client,
        format!("$JS.API.STREAM.RESTORE.{name}"),
        &meta,
        timeout,
    )
    .await?;
    let deliver = answer
        .get("deliver_subject")
        .and_then(Value::as_str)
        .ok_or_else(|| BackupError::Refused(format!("restore of {name}: no deliver subject")))?
        .to_string();

    let data = folder.join(STREAM_DATA);
    let mut file = tokio::fs::File::open(&data).await.map_err(io(&data))?;
    let mut buffer = vec![0; CHUNK];
    let send = |payload: Bytes| {
        client.send_request(
            deliver.clone(),
            async_nats::Request::new()
                .payload(payload)
                .timeout(Some(timeout)),
        )
    };
    loop {
        let n = file.read(&mut buffer).await.map_err(io(&data))?;
        if n == 0 {
            break;
        }
        let ack = send(Bytes::copy_from_slice(&buffer[..n]))
            .await
            .map_err(|e| unavailable(format!("restore of {name}: {e}")))?;
        if !ack.payload.is_empty() {
            return Err(BackupError::Refused(format!(
                "restore of {name}: {}",
                String::from_utf8_lossy(&ack.payload)
            )));
        }
    }
    // The empty chunk ends the transfer; the server answers it with the
    // stream it rebuilt, or why it could not.
    let done = send(Bytes::new())
        .await
        .map_err(|e| unavailable(format!("restore of {name}: {e}")))?;
    let done = answer_of(&format!("restore of {name}"), &done.payload)?;
    Ok(done
        .pointer("/state/messages")
        .and_then(Value::as_u64)
        .unwrap_or(0))
}

/// Restores every stream of the backup in `dir` onto a server that has
/// none of them (a stream already there is a refusal: nothing is
/// overwritten), in the order they were taken.
pub async fn restore(
    client: &Client,
    dir: &Path,
    replicas: Option<usize>,
    timeout: Duration,
) -> Result<Manifest, BackupError> {
    let manifest = verify(dir).await?;
    ready(client, timeout).await?;
    let present = stream_names(client).await?;
    if let Some(clash) = manifest.streams.iter().find(|s| present.contains(&s.name)) {
        return Err(BackupError::Refused(format!(
            "stream {} already exists: restore onto an empty store, before the services start",
            clash.name
        )));
    }
    for entry in &manifest.streams {
        let messages = restore_stream(client, &dir.join(&entry.name), replicas, timeout).await?;
        if messages != entry.messages {
            return Err(BackupError::Damaged(format!(
                "stream {} restored with {messages} messages, the backup had {}",
                entry.name, entry.messages
            )));
        }
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn derived_state_comes_first_and_what_precedes_its_event_last() {
        let mut names = vec![
            "OBJ_DRAFTS",
            "KV_NATIONAL_REQUESTS",
            "NATIONAL",
            "KV_NATIONAL_AGGREGATES",
            "CYCLE",
            "AGGREGATES",
            "SOMETHING_ELSE",
            "KV_PRACTICE_RECORDS",
        ];
        names.sort_by(|a, b| rank(a).cmp(&rank(b)));
        assert_eq!(
            names,
            [
                "AGGREGATES",
                "KV_NATIONAL_AGGREGATES",
                "CYCLE",
                "NATIONAL",
                "KV_NATIONAL_REQUESTS",
                "KV_PRACTICE_RECORDS",
                "OBJ_DRAFTS",
                "SOMETHING_ELSE"
            ]
        );
    }
}
