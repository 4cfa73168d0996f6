//! Bulk exports: every item a list's filters select, as NDJSON or CSV, in the list's keyset
//! order, read and written a page at a time (constant memory however many rows).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, RefOr, Required, Schema, Type};

use crate::http::ApiError;
use coop_store::db::Connection;

/// Rows read per query.
pub const PAGE: i64 = 500;

pub const NDJSON: &str = "application/x-ndjson";
pub const CSV: &str = "text/csv; charset=utf-8";

/// How an export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, each as the list shows it.
    Ndjson,
    /// A header row of the fields, then one row per item: lists joined with `;`, objects as
    /// JSON, empty for null.
    Csv,
}

/// The format `output=` asks for, or else `Accept` (`text/csv`), or else NDJSON. (Not
/// `format=`: the event list already filters by an event's `format`.)
pub fn format(req: &HttpRequest) -> Result<Format, ApiError> {
    let asked = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.0.into_iter().find(|(k, _)| k == OUTPUT).map(|(_, v)| v));
    match asked.as_deref() {
        Some("ndjson") => return Ok(Format::Ndjson),
        Some("csv") => return Ok(Format::Csv),
        Some(_) => {
            return Err(ApiError::bad_parameter(OUTPUT, "must be `ndjson` or `csv`"));
        }
        None => {}
    }
    Ok(if accepts_csv(req) {
        Format::Csv
    } else {
        Format::Ndjson
    })
}

/// Whether `Accept` names `text/csv`.
pub fn accepts_csv(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    accept
        .split(',')
        .any(|range| range.split(';').next().unwrap_or_default().trim() == "text/csv")
}

/// The query parameter that chooses the format.
const OUTPUT: &str = "output";

/// The `output` query parameter, for an export's `IntoParams`.
pub fn format_param() -> Parameter {
    ParameterBuilder::new()
        .name(OUTPUT)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(
            "`ndjson` (one JSON object per line) or `csv`; without it, `Accept: text/csv` asks for CSV and anything else gets NDJSON",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["ndjson", "csv"])),
        ))
        .build()
}

/// The columns of a CSV export of `T`: the properties of its schema, in order.
pub fn columns<T: utoipa::ToSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Answers with every item `next_page` yields, page after page until an empty one, written
/// as `format` asks. `next_page` keeps its own place in the list.
pub fn export<T, F>(
    conn: Connection,
    format: Format,
    columns: Vec<String>,
    name: &str,
    next_page: F,
) -> HttpResponse
where
    T: Serialize + 'static,
    F: AsyncFnMut(&mut AsyncPgConnection) -> Result<Vec<T>, ApiError> + 'static,
{
    struct State<F> {
        conn: Connection,
        next_page: F,
        columns: std::rc::Rc<Vec<String>>,
        header: bool,
        done: bool,
    }
    let state = State {
        conn,
        next_page,
        columns: std::rc::Rc::new(columns),
        header: format == Format::Csv,
        done: false,
    };
    let body = futures_util::stream::unfold(state, move |mut state| async move {
        let columns = state.columns.clone();
        if state.done {
            return None;
        }
        if std::mem::take(&mut state.header) {
            return Some((Ok(web::Bytes::from(csv_row(&columns, None))), state));
        }
        let chunk = match (state.next_page)(&mut state.conn).await {
            Ok(items) if items.is_empty() => return None,
            Ok(items) => render(&items, format, &columns),
            Err(e) => Err(e),
        };
        match chunk {
            Ok(chunk) => Some((Ok(web::Bytes::from(chunk)), state)),
            Err(e) => {
                // The status is sent: the connection is cut, so the client sees an
                // incomplete body rather than a complete-looking short one.
                log::error!("export stopped: {e}");
                state.done = true;
                Some((
                    Err(actix_web::error::ErrorInternalServerError("export stopped")),
                    state,
                ))
            }
        }
    });
    let (content_type, extension) = match format {
        Format::Ndjson => (NDJSON, "ndjson"),
        Format::Csv => (CSV, "csv"),
    };
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CONTENT_TYPE, content_type));
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"{name}.{extension}\""))
    {
        response.insert_header((header::CONTENT_DISPOSITION, value));
    }
    response.streaming(body)
}

fn render<T: Serialize>(
    items: &[T],
    format: Format,
    columns: &[String],
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    for item in items {
        match format {
            Format::Ndjson => {
                serde_json::to_writer(&mut out, item).map_err(ApiError::internal)?;
                out.push(b'\n');
            }
            Format::Csv => {
                let value = serde_json::to_value(item).map_err(ApiError::internal)?;
                out.extend(csv_row(columns, Some(&value)));
            }
        }
    }
    Ok(out)
}

/// One CSV record: the header when `item` is `None`.
pub fn csv_row(columns: &[String], item: Option<&Value>) -> Vec<u8> {
    let cells: Vec<String> = match item {
        None => columns.to_vec(),
        Some(item) => columns.iter().map(|c| cell(item.get(c))).collect(),
    };
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory fails only on a bug; the row is then empty.
    let _ = writer.write_record(&cells);
    writer.into_inner().unwrap_or_default()
}

/// A value as a CSV cell. Text that a spreadsheet would read as a formula (`=`, `+`, `-`,
/// `@`, tab or carriage return first) is prefixed with `'` (OWASP's CSV injection advice).
fn cell(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => return String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.iter().all(|v| !v.is_object() && !v.is_array()) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(";"),
        Some(other @ (Value::Bool(_) | Value::Number(_))) => return other.to_string(),
        Some(other) => other.to_string(),
    };
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_join_lists_quote_what_needs_it_and_defuse_formulas() {
        let columns: Vec<String> = ["id", "sectors", "title", "contact", "n", "none"]
            .map(String::from)
            .to_vec();
        let row = csv_row(
            &columns,
            Some(
                &json!({"id": "a", "sectors": ["it", "medtech"], "title": "=HYPERLINK(\"x\"), \"quoted\"",
                         "contact": {"email": "e@x.org"}, "n": 3, "none": null}),
            ),
        );
        assert_eq!(
            String::from_utf8(row).unwrap(),
            "a,it;medtech,\"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\",\"{\"\"email\"\":\"\"e@x.org\"\"}\",3,\r\n"
        );
        assert_eq!(
            String::from_utf8(csv_row(&columns, None)).unwrap(),
            "id,sectors,title,contact,n,none\r\n"
        );
    }
}
