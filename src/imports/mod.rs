//! Bulk imports: an NDJSON body read line by line (never whole), each line an upsert by its
//! external id, and one result per line streamed back as NDJSON. Lines are written in
//! batches of one transaction: the new ones in one statement, the others one by one, each
//! under a savepoint of its own. A line's error never stops the others; `dry_run` rolls
//! every line back after checking it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::{FutureExt, StreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::time::{Duration, Instant};

use diesel_async::{AsyncConnection, TransactionManager};
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

mod lines;

use lines::{Line, Lines};

use crate::auth::Caller;
use crate::http::extract::{MAX_BODY_BYTES, parse_json};
use crate::http::params;
use crate::http::upsert::{self, Outcome};
use crate::http::{ApiError, Problem, request_id};
use coop_store::db::{Connection, DbPool};

type Manager = <AsyncPgConnection as AsyncConnection>::TransactionManager;
use diesel_async::AsyncPgConnection;

// The media type of import bodies and of their results, the same as exports'.
use crate::exports::NDJSON;

/// The most lines (not counting blank ones) an import reads.
pub const MAX_LINES: u64 = 100_000;

/// The longest line.
pub const MAX_LINE_BYTES: usize = MAX_BODY_BYTES;

/// Query parameters of an import.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check every line as the import would (validation, access, references, uniqueness)
    /// and report what it would do, writing nothing.
    #[serde(default, deserialize_with = "params::flag")]
    #[param(value_type = Option<bool>)]
    pub dry_run: bool,
}

/// What became of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineResult {
    Created,
    Updated,
    Unchanged,
    /// The line was not imported; `problem` says why.
    Error,
}

impl From<Outcome> for LineResult {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Created => LineResult::Created,
            Outcome::Updated => LineResult::Updated,
            Outcome::Unchanged => LineResult::Unchanged,
        }
    }
}

/// The result of one line of an import (one JSON object per line of the response).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"line": 1, "external_id": "CCI-2019-4711", "result": "created", "id": "0190f5c4-8c22-7d3e-a1b2-c3d4e5f60718"}))]
pub struct ImportLine {
    /// The line's number in the body, from 1 (blank lines are counted, and get no result).
    pub line: u64,
    /// The line's external id, when it has a readable one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub result: LineResult,
    /// The id of the resource created, replaced or left unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// Why the line was not imported: the problem a single write would have answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

/// An import body in the spec: NDJSON bytes. Declared as `application/octet-stream`, which
/// every client generator sends as it is (openapi-python-client refuses other media types
/// with its default settings); the server takes `application/x-ndjson` and
/// `application/jsonl` as well.
pub struct NdjsonLines;

impl utoipa::PartialSchema for NdjsonLines {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("NDJSON: one JSON object per line"))
            .into()
    }
}

impl ToSchema for NdjsonLines {}

/// A resource body that names itself by an external id.
pub trait ExternallyNamed {
    fn external_id(&self) -> Option<&str>;
}

/// How an import writes its lines: each on its own, and the new ones of a batch at once.
pub(crate) trait LineWriter {
    type Body: DeserializeOwned + ExternallyNamed;

    /// Creates or replaces the resource of one line, as the single upsert does, in the
    /// caller's transaction.
    async fn upsert(
        &self,
        conn: &mut AsyncPgConnection,
        body: Self::Body,
        external_id: String,
    ) -> Result<(Uuid, Outcome), ApiError>;

    /// Creates in one statement the resources of those `lines` (bodies with their external
    /// ids, each id once) that are new and valid, and returns line by line the id created;
    /// `None` leaves a line to [`LineWriter::upsert`]. An error leaves them all to it.
    async fn create_new(
        &self,
        conn: &mut AsyncPgConnection,
        lines: &[(&Self::Body, &str)],
    ) -> Result<Vec<Option<Uuid>>, ApiError> {
        let _ = conn;
        Ok(vec![None; lines.len()])
    }
}

/// Starts importing `payload` with `writer` and answers with the stream of results. Each
/// line is written in a transaction of its own (a savepoint in its batch's), which `dry_run`
/// rolls back.
pub(crate) async fn import<W: LineWriter + 'static>(
    req: &HttpRequest,
    caller: &Caller,
    pool: &DbPool,
    payload: web::Payload,
    dry_run: bool,
    writer: W,
) -> Result<HttpResponse, ApiError> {
    if caller.identity().is_none() {
        return Err(ApiError::key_required());
    }
    check_media_type(req)?;
    let conn = pool.get().await?;
    let csv = crate::exports::accepts_csv(req);
    let (sender, stream) = mpsc::unbounded_channel::<web::Bytes>();
    let results = Results { sender, csv };
    if csv {
        results.header();
    }
    let id = request_id::current();
    let import = Import {
        conn,
        writer,
        dry_run,
        results,
    };
    // The request's payload is read by the task while the response streams: results flow as
    // lines are written. Results are small and the channel is unbounded, so a client that
    // reads the response only after sending its whole body never stalls the import.
    actix_web::rt::spawn(request_id::within(id, import.run(payload)));
    let body = futures_util::stream::unfold(stream, |mut stream| async move {
        stream
            .recv()
            .await
            .map(|line| (Ok::<_, actix_web::Error>(line), stream))
    });
    let content_type = if csv { crate::exports::CSV } else { NDJSON };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .streaming(body))
}

fn check_media_type(req: &HttpRequest) -> Result<(), ApiError> {
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match essence.as_deref() {
        Some(NDJSON | "application/jsonl" | "application/octet-stream") => Ok(()),
        other => Err(ApiError::UnsupportedMediaType(format!(
            "{}; send one JSON object per line as {NDJSON}",
            match other {
                Some(other) => format!("Content-Type `{other}` is not an import"),
                None => "missing Content-Type".to_string(),
            }
        ))),
    }
}

/// Lines written in one transaction at most: one commit for many lines instead of one each
/// (the commit is most of a line's cost), and the new ones inserted in one statement.
const BATCH_LINES: usize = 250;
/// The longest a batch stays open, so that results keep flowing while lines arrive slowly.
const BATCH_TIME: Duration = Duration::from_millis(200);

/// A line as read: to be written, or settled already (it could not be read).
enum Read<B> {
    Pending(Pending<B>),
    Settled(ImportLine),
}

/// A line read and parsed, waiting for its batch to be written.
struct Pending<B> {
    number: u64,
    external_id: String,
    body: B,
}

/// The lines of the batch being gathered, and the results of those already settled (lines
/// that could not be read). Results are sent once the batch commits, so that `created` is
/// never said of a line that a failed commit lost.
struct Batch<B> {
    pending: Vec<Pending<B>>,
    results: Vec<ImportLine>,
    /// When its first line came.
    since: Option<Instant>,
}

impl<B> Batch<B> {
    fn push(&mut self, line: Read<B>) {
        self.since.get_or_insert_with(Instant::now);
        match line {
            Read::Pending(pending) => self.pending.push(pending),
            Read::Settled(result) => self.results.push(result),
        }
    }

    fn full(&self) -> bool {
        self.pending.len() + self.results.len() >= BATCH_LINES
            || self.since.is_some_and(|t| t.elapsed() > BATCH_TIME)
    }
}

struct Import<W> {
    conn: Connection,
    writer: W,
    dry_run: bool,
    results: Results,
}

impl<W: LineWriter> Import<W> {
    /// Reads the lines and imports them batch by batch, sending the results of each; stops
    /// when the client is gone.
    async fn run(mut self, mut payload: web::Payload) {
        let mut lines = Lines::default();
        let mut imported = 0u64;
        let mut batch = Batch {
            pending: Vec::new(),
            results: Vec::new(),
            since: None,
        };
        loop {
            // While the client has sent nothing more, the open batch is written and its
            // results sent: a slow sender never leaves results held back.
            let next = match payload.next().now_or_never() {
                Some(next) => next,
                None => {
                    if !self.flush(&mut batch).await {
                        return;
                    }
                    payload.next().await
                }
            };
            let chunk = match next {
                Some(Ok(chunk)) => Some(chunk),
                Some(Err(e)) => {
                    let error = ApiError::bad_request(format!("could not read the body: {e}"));
                    batch.push(Read::Settled(failed(lines.number + 1, None, &error)));
                    self.flush(&mut batch).await;
                    return;
                }
                None => None,
            };
            let done = chunk.is_none();
            let ready = match chunk {
                Some(chunk) => lines.feed(&chunk),
                None => lines.finish(),
            };
            for line in ready {
                let line = match line {
                    Line::Blank => continue,
                    Line::TooLong(number) => Read::Settled(failed(
                        number,
                        None,
                        &ApiError::PayloadTooLarge(format!(
                            "the line is longer than {MAX_LINE_BYTES} bytes"
                        )),
                    )),
                    Line::Text(number, text) => {
                        imported += 1;
                        if imported > MAX_LINES {
                            let error = ApiError::PayloadTooLarge(format!(
                                "an import holds at most {MAX_LINES} lines; this line and those after it were not read"
                            ));
                            batch.push(Read::Settled(failed(number, None, &error)));
                            self.flush(&mut batch).await;
                            return;
                        }
                        parse_line(number, &text)
                    }
                };
                batch.push(line);
                if batch.full() && !self.flush(&mut batch).await {
                    return;
                }
            }
            if done {
                self.flush(&mut batch).await;
                return;
            }
        }
    }

    /// Writes the batch's lines in one transaction, commits it and sends the batch's results
    /// in line order; `false` when the client is gone.
    async fn flush(&mut self, batch: &mut Batch<W::Body>) -> bool {
        batch.since = None;
        let pending = std::mem::take(&mut batch.pending);
        if !pending.is_empty() {
            let written = batch.results.len();
            match Manager::begin_transaction(&mut *self.conn).await {
                Ok(()) => {
                    self.write(pending, &mut batch.results).await;
                    if let Err(e) = Manager::commit_transaction(&mut *self.conn).await {
                        log::warn!("an import batch could not be committed: {e}");
                        let _ = Manager::rollback_transaction(&mut *self.conn).await;
                        let error = ApiError::Unavailable(e.to_string());
                        for line in &mut batch.results[written..] {
                            if line.result != LineResult::Error {
                                *line = failed(line.line, line.external_id.take(), &error);
                            }
                        }
                    }
                }
                Err(e) => {
                    let error = ApiError::from(e);
                    batch.results.extend(
                        pending
                            .into_iter()
                            .map(|p| failed(p.number, Some(p.external_id), &error)),
                    );
                }
            }
        }
        batch.results.sort_by_key(|line| line.line);
        batch.results.drain(..).all(|line| self.results.send(line))
    }

    /// Writes the lines in the open transaction: the first line of each external id with
    /// the others that are new, in one statement; then, one by one and in order, the lines
    /// that replace (a repeated external id comes after the line it repeats, and replaces
    /// what that line wrote).
    async fn write(&mut self, pending: Vec<Pending<W::Body>>, out: &mut Vec<ImportLine>) {
        let (writer, dry_run) = (&self.writer, self.dry_run);
        let mut seen = HashSet::new();
        let (first, mut rest): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .partition(|p| seen.insert(p.external_id.clone()));
        let lines: Vec<(&W::Body, &str)> = first
            .iter()
            .map(|p| (&p.body, p.external_id.as_str()))
            .collect();
        let created = upsert::transaction(&mut self.conn, dry_run, async |conn| {
            writer.create_new(conn, &lines).await
        })
        .await
        .unwrap_or_else(|e| {
            // A line the statement could not take (a missing reference, say): each line is
            // written on its own, and says what was wrong with it.
            log::debug!("an import batch is written line by line: {e}");
            vec![None; lines.len()]
        });
        for (pending, id) in first.into_iter().zip(created) {
            match id {
                Some(id) => out.push(written(
                    pending.number,
                    pending.external_id,
                    Outcome::Created,
                    id,
                )),
                None => rest.push(pending),
            }
        }
        rest.sort_by_key(|p| p.number);
        for Pending {
            number,
            external_id,
            body,
        } in rest
        {
            let outcome = upsert::transaction(&mut self.conn, dry_run, async |conn| {
                writer.upsert(conn, body, external_id.clone()).await
            })
            .await;
            out.push(match outcome {
                Ok((id, outcome)) => written(number, external_id, outcome, id),
                Err(e) => {
                    if let ApiError::Internal(cause) = &e {
                        log::error!("import line {number}: {cause}");
                    }
                    failed(number, Some(external_id), &e)
                }
            });
        }
    }
}

/// The line's body and external id, or the result that says why it has none.
fn parse_line<B: DeserializeOwned + ExternallyNamed>(number: u64, text: &[u8]) -> Read<B> {
    let body: B = match parse_json(text) {
        Ok(body) => body,
        Err(e) => {
            // The external id, when the line has one, says which record failed.
            let external_id = serde_json::from_slice::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("external_id")?.as_str().map(str::to_string));
            return Read::Settled(failed(number, external_id, &e));
        }
    };
    let Some(external_id) = body.external_id().map(str::to_string) else {
        let error = ApiError::invalid(
            "external_id",
            "is required: each line is created or replaced by its external id",
        );
        return Read::Settled(failed(number, None, &error));
    };
    Read::Pending(Pending {
        number,
        external_id,
        body,
    })
}

fn written(line: u64, external_id: String, outcome: Outcome, id: Uuid) -> ImportLine {
    ImportLine {
        line,
        external_id: Some(external_id),
        result: outcome.into(),
        id: Some(id),
        problem: None,
    }
}

fn failed(line: u64, external_id: Option<String>, error: &ApiError) -> ImportLine {
    ImportLine {
        line,
        external_id,
        result: LineResult::Error,
        id: None,
        problem: Some(error.problem()),
    }
}

/// Where results go: the response body, as NDJSON or (`Accept: text/csv`) CSV.
struct Results {
    sender: mpsc::UnboundedSender<web::Bytes>,
    csv: bool,
}

/// The columns of CSV results: a line's result with its problem's status and detail.
const CSV_COLUMNS: [&str; 6] = ["line", "external_id", "result", "id", "status", "detail"];

impl Results {
    fn header(&self) {
        let columns = CSV_COLUMNS.map(String::from);
        let _ = self
            .sender
            .send(web::Bytes::from(crate::exports::csv_row(&columns, None)));
    }

    /// Sends a result; `false` when the client has gone.
    fn send(&self, line: ImportLine) -> bool {
        let bytes = if self.csv {
            let problem = line.problem.as_ref();
            let detail = problem.map(|p| {
                let fields: Vec<String> = p
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                if fields.is_empty() {
                    p.detail.clone()
                } else {
                    fields.join("; ")
                }
            });
            let record = serde_json::json!({
                "line": line.line,
                "external_id": line.external_id,
                "result": line.result,
                "id": line.id,
                "status": problem.map(|p| p.status),
                "detail": detail,
            });
            crate::exports::csv_row(&CSV_COLUMNS.map(String::from), Some(&record))
        } else {
            let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
            bytes.push(b'\n');
            bytes
        };
        self.sender.send(web::Bytes::from(bytes)).is_ok()
    }
}
