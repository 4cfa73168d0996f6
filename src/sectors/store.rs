use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::Sector;
use coop_store::schema::sectors;

pub async fn all(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Sector>> {
    sectors::table
        .select(Sector::as_select())
        .order(sectors::code)
        .load(conn)
        .await
}
