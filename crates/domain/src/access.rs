//! Who is calling and the permission rules every operation applies: which rows that are not
//! public a caller may see, and what it may change.

use uuid::Uuid;

use crate::text_enum::text_enum;

text_enum!(
    /// What a key may do. `company`: its own company's profile, offers and speakers;
    /// `editor`: all content; `admin`: all content and the API keys.
    Role { Company, Editor, Admin }
);

/// An authenticated key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub key_id: Uuid,
    pub role: Role,
    /// The company a `company` key acts for.
    pub company_id: Option<Uuid>,
}

/// The caller of a request: a key, or nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caller(Option<Identity>);

/// Which rows that are not public a caller may see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// Everything (editors and admins).
    All,
    /// Public rows only (anonymous callers).
    #[default]
    Public,
    /// Public rows and everything of this company (its company key).
    Company(Uuid),
}

/// Why an operation is refused to a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// The operation needs a key and the caller has none.
    KeyRequired,
    /// The caller's key may not do this; the reason is meant for the caller.
    Forbidden(&'static str),
}

impl Caller {
    pub fn anonymous() -> Self {
        Self(None)
    }

    pub fn key(identity: Identity) -> Self {
        Self(Some(identity))
    }

    pub fn identity(&self) -> Option<&Identity> {
        self.0.as_ref()
    }

    pub fn scope(&self) -> Scope {
        match &self.0 {
            None => Scope::Public,
            Some(Identity {
                role: Role::Editor | Role::Admin,
                ..
            }) => Scope::All,
            Some(Identity {
                company_id: Some(company),
                ..
            }) => Scope::Company(*company),
            // A company key always names its company (a database constraint); without one it
            // sees what anyone sees.
            Some(_) => Scope::Public,
        }
    }

    pub fn is_staff(&self) -> bool {
        self.scope() == Scope::All
    }

    /// Whether the caller sees the private parts of something owned by `owner`: staff see
    /// everything, a company key its own company's.
    pub fn sees_private_of(&self, owner: Option<Uuid>) -> bool {
        match self.scope() {
            Scope::All => true,
            Scope::Company(company) => owner == Some(company),
            Scope::Public => false,
        }
    }

    /// Whether the caller sees the private parts of nothing at all: what it is shown of a
    /// resource is what anyone is shown.
    pub fn sees_nothing_private(&self) -> bool {
        self.scope() == Scope::Public
    }

    fn require_key(&self) -> Result<&Identity, Denied> {
        self.0.as_ref().ok_or(Denied::KeyRequired)
    }

    /// Editors and admins only.
    pub fn require_staff(&self) -> Result<(), Denied> {
        let identity = self.require_key()?;
        match identity.role {
            Role::Editor | Role::Admin => Ok(()),
            Role::Company => Err(Denied::Forbidden(
                "this operation needs an editor or admin key",
            )),
        }
    }

    pub fn require_admin(&self) -> Result<(), Denied> {
        let identity = self.require_key()?;
        match identity.role {
            Role::Admin => Ok(()),
            _ => Err(Denied::Forbidden("this operation needs an admin key")),
        }
    }

    /// Who a webhook subscription made by this caller reads as: `None` for an admin (every
    /// change), the company of a company key (what that key may read). Editors manage content,
    /// not integrations.
    pub fn webhook_owner(&self) -> Result<Option<Uuid>, Denied> {
        let identity = self.require_key()?;
        match (identity.role, identity.company_id) {
            (Role::Admin, _) => Ok(None),
            (Role::Company, Some(company)) => Ok(Some(company)),
            _ => Err(Denied::Forbidden(
                "webhooks are managed with an admin key or a company key",
            )),
        }
    }

    /// May manage the subscription of `company` (`None`: an admin's subscription).
    pub fn manages_webhook_of(&self, company: Option<Uuid>) -> bool {
        match self.webhook_owner() {
            Ok(None) => true,
            Ok(Some(own)) => company == Some(own),
            Err(_) => false,
        }
    }

    /// May write something owned by `owner` (`None`: owned by no company, staff only).
    pub fn require_owner(&self, owner: Option<Uuid>) -> Result<(), Denied> {
        self.require_key()?;
        if self.sees_private_of(owner) && (owner.is_some() || self.is_staff()) {
            Ok(())
        } else {
            Err(Denied::Forbidden(
                "this key may only change what belongs to its own company",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(role: Role, company_id: Option<Uuid>) -> Caller {
        Caller::key(Identity {
            key_id: Uuid::now_v7(),
            role,
            company_id,
        })
    }

    #[test]
    fn a_company_key_writes_only_its_own_company() {
        let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
        let caller = with(Role::Company, Some(mine));
        assert!(caller.require_owner(Some(mine)).is_ok());
        assert!(caller.require_owner(Some(theirs)).is_err());
        assert!(caller.require_owner(None).is_err());
        assert!(caller.require_staff().is_err());
        assert!(caller.require_admin().is_err());
    }

    #[test]
    fn editors_write_everything_but_keys() {
        let caller = with(Role::Editor, None);
        assert!(caller.require_owner(Some(Uuid::now_v7())).is_ok());
        assert!(caller.require_owner(None).is_ok());
        assert!(caller.require_staff().is_ok());
        assert!(caller.require_admin().is_err());
    }

    #[test]
    fn anonymous_callers_write_nothing_and_see_public_rows() {
        let caller = Caller::anonymous();
        assert_eq!(caller.scope(), Scope::Public);
        assert!(!caller.sees_private_of(Some(Uuid::now_v7())));
        assert_eq!(caller.require_owner(None), Err(Denied::KeyRequired));
        assert!(caller.require_staff().is_err());
    }
}
