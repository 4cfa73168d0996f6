//! Bulk imports: an NDJSON body read line by line (never whole), each line an upsert by its
//! external id in a transaction of its own, and one result per line streamed back as NDJSON.
//! A line's error never stops the others; `dry_run` rolls every line back after checking it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::{FutureExt, StreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

use diesel_async::{AsyncConnection, TransactionManager};
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Caller;
use crate::http::extract::{MAX_BODY_BYTES, parse_json};
use crate::http::params;
use crate::http::upsert::Outcome;
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

/// Starts importing `payload` and answers with the stream of results. `upsert` writes one
/// line (its body and external id) on the connection, in a transaction it commits or, with
/// `dry_run`, rolls back.
pub async fn import<B, U>(
    req: &HttpRequest,
    caller: &Caller,
    pool: &DbPool,
    payload: web::Payload,
    upsert: U,
) -> Result<HttpResponse, ApiError>
where
    B: DeserializeOwned + ExternallyNamed + 'static,
    U: AsyncFn(&mut AsyncPgConnection, B, String) -> Result<(Uuid, Outcome), ApiError> + 'static,
{
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
    // The request's payload is read by the task while the response streams: results flow as
    // lines are written. Results are small and the channel is unbounded, so a client that
    // reads the response only after sending its whole body never stalls the import.
    actix_web::rt::spawn(request_id::within(id, run(conn, payload, upsert, results)));
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

/// Lines written in one transaction at most, each under a savepoint of its own: one commit
/// for many lines instead of one each (the commit is most of a line's cost).
const BATCH_LINES: usize = 250;
/// The longest a batch stays open, so that results keep flowing while lines arrive slowly.
const BATCH_TIME: Duration = Duration::from_millis(200);

/// The results of the lines written in the open transaction: sent once it commits, so that
/// `created` is never said of a line that a failed commit lost.
struct Batch {
    results: Vec<ImportLine>,
    /// When the transaction began, if one is open.
    began: Option<Instant>,
}

impl Batch {
    async fn begin(&mut self, conn: &mut AsyncPgConnection) -> Result<(), ApiError> {
        if self.began.is_none() {
            Manager::begin_transaction(conn).await?;
            self.began = Some(Instant::now());
        }
        Ok(())
    }

    fn full(&self) -> bool {
        self.results.len() >= BATCH_LINES || self.began.is_some_and(|t| t.elapsed() > BATCH_TIME)
    }

    /// Commits the open transaction and sends its results; `false` when the client is gone.
    async fn flush(&mut self, conn: &mut AsyncPgConnection, results: &Results) -> bool {
        if self.began.take().is_some()
            && let Err(e) = Manager::commit_transaction(conn).await
        {
            log::warn!("an import batch could not be committed: {e}");
            let _ = Manager::rollback_transaction(conn).await;
            let error = ApiError::Unavailable(e.to_string());
            for line in &mut self.results {
                if line.result != LineResult::Error {
                    *line = failed(line.line, line.external_id.take(), &error);
                }
            }
        }
        self.results.drain(..).all(|line| results.send(line))
    }
}

/// Reads the lines and imports each, sending the results batch by batch; stops when the
/// client is gone.
async fn run<B, U>(mut conn: Connection, mut payload: web::Payload, upsert: U, results: Results)
where
    B: DeserializeOwned + ExternallyNamed,
    U: AsyncFn(&mut AsyncPgConnection, B, String) -> Result<(Uuid, Outcome), ApiError>,
{
    let mut lines = Lines::default();
    let mut imported = 0u64;
    let mut batch = Batch {
        results: Vec::new(),
        began: None,
    };
    loop {
        // While the client has sent nothing more, the open batch is committed and its results
        // sent: a slow sender never leaves rows locked or results held back.
        let next = match payload.next().now_or_never() {
            Some(next) => next,
            None => {
                if !batch.flush(&mut conn, &results).await {
                    return;
                }
                payload.next().await
            }
        };
        let chunk = match next {
            Some(Ok(chunk)) => Some(chunk),
            Some(Err(e)) => {
                let error = ApiError::bad_request(format!("could not read the body: {e}"));
                batch.results.push(failed(lines.number + 1, None, &error));
                batch.flush(&mut conn, &results).await;
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
            let result = match line {
                Line::Blank => continue,
                Line::TooLong(number) => failed(
                    number,
                    None,
                    &ApiError::PayloadTooLarge(format!(
                        "the line is longer than {MAX_LINE_BYTES} bytes"
                    )),
                ),
                Line::Text(number, text) => {
                    imported += 1;
                    if imported > MAX_LINES {
                        let error = ApiError::PayloadTooLarge(format!(
                            "an import holds at most {MAX_LINES} lines; this line and those after it were not read"
                        ));
                        batch.results.push(failed(number, None, &error));
                        batch.flush(&mut conn, &results).await;
                        return;
                    }
                    match batch.begin(&mut conn).await {
                        // The line's own transaction is a savepoint in the batch's.
                        Ok(()) => import_line(&mut conn, &upsert, number, &text).await,
                        Err(e) => failed(number, None, &e),
                    }
                }
            };
            batch.results.push(result);
            if batch.full() && !batch.flush(&mut conn, &results).await {
                return;
            }
        }
        if done {
            batch.flush(&mut conn, &results).await;
            return;
        }
    }
}

async fn import_line<B, U>(
    conn: &mut AsyncPgConnection,
    upsert: &U,
    number: u64,
    text: &[u8],
) -> ImportLine
where
    B: DeserializeOwned + ExternallyNamed,
    U: AsyncFn(&mut AsyncPgConnection, B, String) -> Result<(Uuid, Outcome), ApiError>,
{
    let body: B = match parse_json(text) {
        Ok(body) => body,
        Err(e) => {
            // The external id, when the line has one, says which record failed.
            let external_id = serde_json::from_slice::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("external_id")?.as_str().map(str::to_string));
            return failed(number, external_id, &e);
        }
    };
    let Some(external_id) = body.external_id().map(str::to_string) else {
        let error = ApiError::invalid(
            "external_id",
            "is required: each line is created or replaced by its external id",
        );
        return failed(number, None, &error);
    };
    match upsert(conn, body, external_id.clone()).await {
        Ok((id, outcome)) => ImportLine {
            line: number,
            external_id: Some(external_id),
            result: outcome.into(),
            id: Some(id),
            problem: None,
        },
        Err(e) => {
            if let ApiError::Internal(cause) = &e {
                log::error!("import line {number}: {cause}");
            }
            failed(number, Some(external_id), &e)
        }
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

/// A line of the body.
#[derive(Debug, PartialEq)]
enum Line {
    Blank,
    TooLong(u64),
    Text(u64, Vec<u8>),
}

/// Splits chunks into lines, holding at most one line (and [`MAX_LINE_BYTES`]) at a time.
#[derive(Default)]
struct Lines {
    /// The number of the last line completed.
    number: u64,
    partial: Vec<u8>,
    /// The current line is too long: its bytes are skipped up to its end.
    skipping: bool,
}

impl Lines {
    fn feed(&mut self, mut chunk: &[u8]) -> Vec<Line> {
        let mut lines = Vec::new();
        while let Some(end) = chunk.iter().position(|&b| b == b'\n') {
            self.take(&chunk[..end]);
            lines.push(self.complete());
            chunk = &chunk[end + 1..];
        }
        self.take(chunk);
        lines
    }

    /// The last line, when the body does not end with a newline.
    fn finish(&mut self) -> Vec<Line> {
        if self.partial.is_empty() && !self.skipping {
            return Vec::new();
        }
        vec![self.complete()]
    }

    fn take(&mut self, bytes: &[u8]) {
        if self.skipping {
            return;
        }
        if self.partial.len() + bytes.len() > MAX_LINE_BYTES {
            self.skipping = true;
            self.partial = Vec::new();
            return;
        }
        self.partial.extend_from_slice(bytes);
    }

    fn complete(&mut self) -> Line {
        self.number += 1;
        if std::mem::take(&mut self.skipping) {
            return Line::TooLong(self.number);
        }
        let text = std::mem::take(&mut self.partial);
        if text.iter().all(u8::is_ascii_whitespace) {
            Line::Blank
        } else {
            Line::Text(self.number, text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_across_chunks_and_numbered_with_blank_ones() {
        let mut lines = Lines::default();
        let mut all = lines.feed(b"{\"a\":1}\n\n{\"b\"");
        all.extend(lines.feed(b":2}\r\n  \n{\"c\":3}"));
        all.extend(lines.finish());
        assert_eq!(
            all,
            [
                Line::Text(1, b"{\"a\":1}".to_vec()),
                Line::Blank,
                Line::Text(3, b"{\"b\":2}\r".to_vec()),
                Line::Blank,
                Line::Text(5, b"{\"c\":3}".to_vec()),
            ]
        );
    }

    #[test]
    fn a_line_too_long_is_reported_and_skipped_without_being_kept() {
        let mut lines = Lines::default();
        let long = vec![b'x'; MAX_LINE_BYTES];
        let mut all = lines.feed(&long);
        all.extend(lines.feed(b"xx"));
        assert!(lines.partial.is_empty(), "the long line is not kept");
        all.extend(lines.feed(b"x\n{}\n"));
        all.extend(lines.finish());
        assert_eq!(all, [Line::TooLong(1), Line::Text(2, b"{}".to_vec())]);
    }
}
