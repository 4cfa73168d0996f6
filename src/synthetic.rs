//! The synthetic dataset for benchmarks (`coopapi generate`): companies, speakers, events with
//! their parts, and cooperation offers at a chosen scale, generated inside PostgreSQL by
//! `synthetic.sql` so that 100,000 offers load in seconds.

use std::time::Instant;

use diesel_async::{AsyncPgConnection, SimpleAsyncConnection};

const SCRIPT: &str = include_str!("synthetic.sql");

/// How many rows of each kind; every count is a target, so a second run with larger counts
/// adds only the difference.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Scale {
    /// Seed of the deterministic generator.
    #[arg(long, default_value_t = 42)]
    pub seed: u32,
    #[arg(long, default_value_t = 20_000)]
    pub companies: u32,
    #[arg(long, default_value_t = 10_000)]
    pub speakers: u32,
    /// Events, each with 1–3 venues, 3–8 sessions, 3–10 speaker appearances and 2–10
    /// participating companies.
    #[arg(long, default_value_t = 2_000)]
    pub events: u32,
    #[arg(long, default_value_t = 100_000)]
    pub offers: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("at least one company is needed: speakers, participants and offers refer to one")]
    NoCompanies,
    #[error("generating {step} failed: {source}")]
    Step {
        step: String,
        #[source]
        source: diesel::result::Error,
    },
}

/// The script with its placeholders filled, split into named steps.
fn steps(scale: &Scale) -> Vec<(String, String)> {
    let script = SCRIPT
        .replace("{seed}", &scale.seed.to_string())
        .replace("{companies}", &scale.companies.to_string())
        .replace("{speakers}", &scale.speakers.to_string())
        .replace("{events}", &scale.events.to_string())
        .replace("{offers}", &scale.offers.to_string());
    script
        .split("-- step: ")
        .skip(1)
        .map(|step| {
            let (name, body) = step.split_once('\n').unwrap_or((step, ""));
            (name.trim().to_string(), body.to_string())
        })
        .collect()
}

/// Fills the database, step by step, logging each step's time; then refreshes the planner's
/// statistics so the first queries see the real table sizes.
pub async fn generate(conn: &mut AsyncPgConnection, scale: &Scale) -> Result<(), GenerateError> {
    if scale.companies == 0 {
        return Err(GenerateError::NoCompanies);
    }
    let failed = |step: &str| {
        let step = step.to_string();
        move |source| GenerateError::Step { step, source }
    };
    for (name, sql) in steps(scale) {
        let started = Instant::now();
        conn.batch_execute(&sql).await.map_err(failed(&name))?;
        log::info!(
            "generated {name} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let started = Instant::now();
    conn.batch_execute("VACUUM (ANALYZE)")
        .await
        .map_err(failed("statistics"))?;
    log::info!(
        "vacuum and analyze in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_and_every_step_named() {
        let scale = Scale {
            seed: 7,
            companies: 3,
            speakers: 2,
            events: 1,
            offers: 5,
        };
        let steps = steps(&scale);
        let names: Vec<&str> = steps.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "helpers",
                "companies",
                "speakers",
                "events",
                "event parts",
                "offers"
            ]
        );
        for (name, sql) in &steps {
            assert!(
                !sql.contains("{seed}") && !sql.contains("{offers}"),
                "{name}"
            );
            assert!(
                !sql.contains("{companies}") && !sql.contains("{events}"),
                "{name}"
            );
        }
    }
}
