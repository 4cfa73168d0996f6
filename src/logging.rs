//! Log lines, as text or one JSON object per line, with the id of the request they were written
//! for.

use std::io::Write;

use crate::config::LogFormat;
use crate::http::request_id;

/// Installs the logger: `filters` in env_logger syntax.
pub fn init(filters: &str, format: LogFormat) {
    let mut builder = env_logger::Builder::new();
    builder.parse_filters(filters);
    match format {
        LogFormat::Text => builder.format(|out, record| {
            let request = request_id::current()
                .map(|id| format!(" request_id={id}"))
                .unwrap_or_default();
            writeln!(
                out,
                "[{} {:<5} {}] {}{request}",
                out.timestamp_millis(),
                record.level(),
                record.target(),
                record.args()
            )
        }),
        LogFormat::Json => builder.format(|out, record| {
            let mut line = serde_json::json!({
                "time": out.timestamp_millis().to_string(),
                "level": record.level().as_str(),
                "target": record.target(),
                "message": record.args().to_string(),
            });
            if let Some(id) = request_id::current() {
                line["request_id"] = id.into();
            }
            writeln!(out, "{line}")
        }),
    };
    builder.init();
}
