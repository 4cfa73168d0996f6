//! A page of listed offers read by one of the PL/pgSQL list functions (a market, a sector, a
//! company's country), whose statements are planned once per connection and forced generic:
//! as rows ([`ListedIn`]), or as the items the API serves ([`ItemsIn`]).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::result::QueryResult;
use uuid::Uuid;

use super::{Held, OfferRow};

/// A table of listed offers kept in list order, by its key: the list a function of listed
/// offers reads.
#[derive(Debug, Clone, Copy)]
pub(super) enum Keyed<'a> {
    /// `cooperation_offer_markets`: a sector and a target country.
    Market(&'a str, &'a str),
    /// `cooperation_offer_sectors`: a sector.
    Sector(&'a str),
    /// `cooperation_offer_origins`: the company's country.
    Origin(&'a str),
}

impl Keyed<'_> {
    /// The filters the table holds.
    pub fn held(self) -> Held {
        match self {
            Keyed::Market(..) => Held::MARKET,
            Keyed::Sector(_) => Held::SECTOR,
            Keyed::Origin(_) => Held::ORIGIN,
        }
    }

    /// `<function>(<key>`: the call of the table's function that reads its rows, or its
    /// items, up to the key.
    fn walk_ast<'b>(
        &'b self,
        items: bool,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::Text;
        out.push_sql(match (self, items) {
            (Keyed::Market(..), false) => "cooperation_offers_in_market(",
            (Keyed::Market(..), true) => "cooperation_offer_items_in_market(",
            (Keyed::Sector(_), false) => "cooperation_offers_in_sector(",
            (Keyed::Sector(_), true) => "cooperation_offer_items_in_sector(",
            (Keyed::Origin(_), false) => "cooperation_offers_from_country(",
            (Keyed::Origin(_), true) => "cooperation_offer_items_from_country(",
        });
        match self {
            Keyed::Market(sector, country) => {
                out.push_bind_param::<Text, _>(sector)?;
                out.push_sql(", ");
                out.push_bind_param::<Text, _>(country)
            }
            Keyed::Sector(key) | Keyed::Origin(key) => out.push_bind_param::<Text, _>(key),
        }
    }
}

/// `SELECT <the API's columns> FROM <function>(<key>, today, descending, after_at, after_id,
/// limit)`: a page of listed offers read by one of the functions whose statements are forced
/// generic (see migrations 000018 and 000021), as a query diesel prepares once per connection
/// and function (`sql_query` text is never cached, so every call would be parsed and planned).
/// Its columns are `OfferRow`'s, qualified by the table's name, which the function takes as
/// its alias.
pub(super) struct ListedIn<'a> {
    pub columns: diesel::dsl::AsSelect<OfferRow, diesel::pg::Pg>,
    pub list: Keyed<'a>,
    pub page: PageArguments,
}

/// Not a static id: the statement cache keys it by its text, which names the function.
impl diesel::query_builder::QueryId for ListedIn<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for ListedIn<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ListedIn<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        // The row's columns, qualified by the table's name, which the function's alias takes.
        out.push_sql("SELECT ");
        self.columns.walk_ast(out.reborrow())?;
        out.push_sql(" FROM ");
        self.list.walk_ast(false, out.reborrow())?;
        self.page.walk_ast(out.reborrow())?;
        out.push_sql(") AS cooperation_offers");
        Ok(())
    }
}

/// The arguments every list function takes after its key: `today, descending, after_at,
/// after_id, limit`.
pub(super) struct PageArguments {
    pub today: NaiveDate,
    pub descending: bool,
    pub after_at: Option<DateTime<Utc>>,
    pub after_id: Option<Uuid>,
    /// The page's size and one more, which tells whether a next page exists.
    pub limit: i32,
}

impl PageArguments {
    pub fn new(
        today: NaiveDate,
        descending: bool,
        after: Option<(DateTime<Utc>, Uuid)>,
        limit: i64,
    ) -> Self {
        let (after_at, after_id) = after.unzip();
        PageArguments {
            today,
            descending,
            after_at,
            after_id,
            limit: i32::try_from(limit + 1).unwrap_or(i32::MAX),
        }
    }

    /// `, today, descending, after_at, after_id, limit`.
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Bool, Date, Integer, Nullable, Timestamptz};
        out.push_sql(", ");
        out.push_bind_param::<Date, _>(&self.today)?;
        out.push_sql(", ");
        out.push_bind_param::<Bool, _>(&self.descending)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Timestamptz>, _>(&self.after_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<diesel::sql_types::Uuid>, _>(&self.after_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Integer, _>(&self.limit)?;
        Ok(())
    }
}

/// A listed offer as the list serves it: its JSON, rendered by PostgreSQL when the offer was
/// written (`coop_offer_item`, migration 000022), with the keys of its place in the list.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct OfferItem {
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    /// The offer's JSON object, exactly as `GET /cooperation-offers/{id}` serves a listed
    /// offer.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub item: String,
}

/// `SELECT created_at, id, item FROM <items function>(<key>, today, descending, after_at,
/// after_id, limit)`: a page of a market, a sector or a company country read off that table's
/// index alone, with no offer fetched.
pub(super) struct ItemsIn<'a> {
    pub list: Keyed<'a>,
    pub page: PageArguments,
}

/// Not a static id: the statement cache keys it by its text, which names the function.
impl diesel::query_builder::QueryId for ItemsIn<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for ItemsIn<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ItemsIn<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_sql("SELECT created_at, id, item FROM ");
        self.list.walk_ast(true, out.reborrow())?;
        self.page.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}
