//! Who may do what. Every page, API call and CLI command asks
//! [`authorize`]; nothing else decides access. The answer names the rule
//! that allowed it, because the audit log records that rule (NEN 7513).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::codes::Code;
use crate::error::Invalid;

/// What a user is, named after what the role is scoped to (the same word
/// as its [`Scope`]); the Dutch names are its labels and stored codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// regio-beheerder: the whole region ([`Scope::Region`]).
    #[serde(rename = "regio_beheerder")]
    Region,
    /// wijkmanager / wijkcoördinator: some networks ([`Scope::Networks`]).
    #[serde(rename = "wijkmanager")]
    Networks,
    /// praktijk: one GP practice ([`Scope::Practice`]).
    #[serde(rename = "praktijk")]
    Practice,
    /// netwerkpartner: one partner organisation ([`Scope::Organization`]).
    #[serde(rename = "netwerkpartner")]
    Organization,
    /// Whoever runs the `wijkregie` command on the server. Not an account:
    /// it is never stored and [`Role::ALL`] leaves it out, so no form or
    /// file can give it to a user.
    Operator,
    /// A netwerkpartner without an account, answering one referral through
    /// the single-use link and one-time code sent to its intake address. Not
    /// an account either: [`Role::ALL`] leaves it out.
    IntakeLink,
}

impl Role {
    /// The roles an account can have.
    pub const ALL: [Role; 4] = [Role::Region, Role::Networks, Role::Practice, Role::Organization];

    pub fn code(self) -> &'static str {
        match self {
            Role::Region => "regio_beheerder",
            Role::Networks => "wijkmanager",
            Role::Practice => "praktijk",
            Role::Organization => "netwerkpartner",
            Role::Operator => "operator",
            Role::IntakeLink => "intake_link",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Region => "regio-beheerder",
            Role::Networks => "wijkmanager / wijkcoördinator",
            Role::Practice => "praktijk",
            Role::Organization => "netwerkpartner",
            Role::Operator => "beheerder op de server (opdrachtregel)",
            Role::IntakeLink => "netwerkpartner via e-maillink",
        }
    }

    /// The regio-beheerder can change everything and approve payments, so a
    /// password alone is not enough for that role.
    pub fn requires_second_factor(self) -> bool {
        self == Role::Region
    }
}

impl FromStr for Role {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Role::ALL.into_iter().find(|r| r.code() == s.trim()).ok_or_else(|| {
            Invalid(format!(
                "'{}' is geen rol: kies uit regio_beheerder, wijkmanager, praktijk, netwerkpartner",
                s.trim()
            ))
        })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a user's role is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "codes", rename_all = "snake_case")]
pub enum Scope {
    Region,
    Networks(Vec<Code>),
    Practice(Code),
    Organization(Code),
}

impl Scope {
    /// Whether this scope fits the role; a praktijk user scoped to networks
    /// would be a configuration error.
    pub fn fits(&self, role: Role) -> bool {
        matches!(
            (role, self),
            (Role::Region, Scope::Region)
                | (Role::Networks, Scope::Networks(_))
                | (Role::Practice, Scope::Practice(_))
                | (Role::Organization, Scope::Organization(_))
        )
    }
}

/// The person (or their API token) asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
    /// Whether this session passed a TOTP check (always false for API tokens).
    pub second_factor: bool,
}

/// The rule that lets the operator on the server act (see [`Role::Operator`]).
pub const OPERATOR_RULE: &str = "beheerder via de opdrachtregel op de server";

/// The rule that lets an organisation without an account answer a referral.
pub const INTAKE_LINK_RULE: &str =
    "ontvangende netwerkpartner zonder account, via eenmalige link en code naar het intake-adres";

impl Principal {
    /// The operator running the `wijkregie` command on the server: whoever
    /// can run it can read the database anyway, so it may do what the region
    /// does, but it never opens a patient's referral.
    pub fn operator() -> Principal {
        Principal {
            user_id: 0,
            name: "beheerder (opdrachtregel)".into(),
            role: Role::Operator,
            scope: Scope::Region,
            second_factor: true,
        }
    }

    /// The account behind this principal; the operator and an intake link have none.
    pub fn account(&self) -> Option<i64> {
        (!matches!(self.role, Role::Operator | Role::IntakeLink)).then_some(self.user_id)
    }

    /// An organisation without an account, answering through the link and
    /// code sent to `address`, its intake e-mail address.
    pub fn intake_link(organization: Code, address: &str) -> Principal {
        Principal {
            user_id: 0,
            name: address.to_owned(),
            role: Role::IntakeLink,
            scope: Scope::Organization(organization),
            // The one-time code sent to the intake address is the second factor.
            second_factor: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    View,
    Edit,
    Create,
    Delete,
}

/// The thing acted upon, with the relations the decision needs. The caller
/// loads those relations; this function only decides.
#[derive(Debug, Clone, Copy)]
pub enum Object<'a> {
    /// The region as a whole: adding wijken, practices, organisations and
    /// networks, and importing a region file.
    Region,
    /// Lists and the dashboard: everyone signed in may open them; what they
    /// contain is filtered by [`can_see`] per item.
    Overview,
    Wijk,
    Practice {
        practice: &'a Code,
        networks: &'a [Code],
    },
    Organization {
        code: &'a Code,
        networks: &'a [Code],
    },
    Network {
        code: &'a Code,
        practices: &'a [Code],
        partners: &'a [Code],
    },
    /// A practice's registered patient counts: they drive payments.
    RegisteredPatients {
        practice: &'a Code,
        /// Networks the practice is or was a member of.
        networks: &'a [Code],
    },
    /// A network's registration, module, status and coordinator arrangement:
    /// the terms payments are computed from, so only the region sets them.
    NetworkTerms {
        code: &'a Code,
    },
    /// The social map as a whole: adding a service to it somewhere (which
    /// service and organisation is decided again by [`Object::Service`]).
    Directory,
    /// A service of the social map, with the networks its organisation is
    /// a partner in.
    Service {
        organization: &'a Code,
        partner_in: &'a [Code],
    },
    /// One verwijzing: it holds a patient's contact details and question,
    /// so only its two parties may open it.
    Referral {
        referring_practice: &'a Code,
        receiving_organization: &'a Code,
    },
    /// Who opened, saw or changed one referral (NEN 7513's access
    /// overview for the patient): no personal data, but it tells that the
    /// referral exists, so the referring practice (who answers its patient)
    /// and the operator on the server only.
    ReferralAccessLog {
        referring_practice: &'a Code,
    },
    /// Counts of referrals of these networks, never persons.
    ReferralFigures {
        networks: &'a [Code],
    },
    /// One network's payment statement for a quarter.
    PaymentStatement {
        network: &'a Code,
    },
    /// Approving a quarter's statements for the whole region.
    PaymentApproval,
    /// The regional tariffs per year.
    Tariffs,
    AuditLog,
    Users,
    /// The user's own account: password, TOTP, API tokens.
    OwnAccount,
    /// Registrations from the public form (aanmeldingen) and the proposals
    /// made from them: applicants' contact details, reviewed by the region.
    Applications,
    /// The map of the region's areas (`/kaart`): for those who work by
    /// area. A practice works with its own patients and gets nothing from
    /// area outlines and sizes, so the map is not one of its pages.
    AreaMap,
}

/// Allowed, and by which rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub rule: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("u heeft geen toegang tot dit onderdeel")]
    OutOfScope,
    #[error("hiervoor is inloggen met een tweede factor (authenticator-app) nodig")]
    SecondFactorRequired,
    #[error("dit API-token mag alleen lezen; maak op Mijn account een token dat mag schrijven")]
    ReadOnlyToken,
}

/// What an API token may do: read only, or read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn code(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    /// The Dutch name, as the account page shows it.
    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Read => "alleen lezen",
            TokenScope::Write => "lezen en schrijven",
        }
    }

    /// Whether a request that changes something may go ahead.
    pub fn may_write(self) -> bool {
        self == TokenScope::Write
    }
}

impl std::str::FromStr for TokenScope {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "read" => Ok(TokenScope::Read),
            "write" => Ok(TokenScope::Write),
            other => Err(format!("onbekende reikwijdte van een token: '{other}' (read of write)")),
        }
    }
}

const fn grant(rule: &'static str) -> Result<Grant, Refusal> {
    Ok(Grant { rule })
}

/// The one permission check, used by pages, API and CLI alike.
pub fn authorize(who: &Principal, action: Action, object: Object<'_>) -> Result<Grant, Refusal> {
    use Action::*;
    use Object as O;
    use Scope as S;

    if who.role == Role::Operator {
        // Personal data of a patient stays with the referral's two parties,
        // also for whoever runs the server.
        return match object {
            O::Referral { .. } => Err(Refusal::OutOfScope),
            O::ReferralAccessLog { .. } => grant("beheerder levert inzageoverzicht op verzoek van de patiënt"),
            _ => grant(OPERATOR_RULE),
        };
    }
    if who.role == Role::IntakeLink {
        // The link opens one referral of its own organisation, nothing else.
        return match (object, &who.scope, action) {
            (O::Referral { receiving_organization, .. }, S::Organization(own), View | Edit)
                if own == receiving_organization =>
            {
                grant(INTAKE_LINK_RULE)
            }
            _ => Err(Refusal::OutOfScope),
        };
    }
    if let O::AuditLog = object {
        // NEN 7513: reading the access log is itself sensitive; only the
        // region, and only after a second factor.
        return match (&who.scope, who.second_factor) {
            (S::Region, true) => grant("regio-beheerder leest het auditlog na tweede factor"),
            (S::Region, false) => Err(Refusal::SecondFactorRequired),
            _ => Err(Refusal::OutOfScope),
        };
    }
    if let O::Applications = object {
        return match &who.scope {
            S::Region => grant("regio-beheerder beoordeelt aanmeldingen"),
            _ => Err(Refusal::OutOfScope),
        };
    }
    if let O::OwnAccount = object {
        return grant("eigen account");
    }
    if let O::Overview = object {
        return if action == View { grant("overzicht voor ingelogde gebruikers") } else { Err(Refusal::OutOfScope) };
    }
    if let O::Referral { referring_practice, receiving_organization } = object {
        // Personal data of a patient: the two parties of the referral and
        // nobody else, not even the region (NEN 7510 need-to-know). Deleting
        // is not a user action: erasure after the retention period is.
        return match (&who.scope, action) {
            (S::Practice(own), View | Edit) if own == referring_practice => grant("verwijzende praktijk"),
            (S::Practice(own), Create) if own == referring_practice => grant("praktijk verwijst eigen patiënt"),
            (S::Organization(own), View | Edit) if own == receiving_organization => grant("ontvangende netwerkpartner"),
            _ => Err(Refusal::OutOfScope),
        };
    }
    if let O::ReferralAccessLog { referring_practice } = object {
        return match (&who.scope, action) {
            (S::Practice(own), View) if own == referring_practice => {
                grant("verwijzende praktijk geeft haar patiënt inzage")
            }
            _ => Err(Refusal::OutOfScope),
        };
    }
    if let (O::ReferralFigures { .. }, S::Region) = (object, &who.scope) {
        // Figures are computed, never edited.
        return if action == View {
            grant("regio-beheerder ziet verwijscijfers van de regio")
        } else {
            Err(Refusal::OutOfScope)
        };
    }
    if who.scope == S::Region {
        return grant("regio-beheerder beheert de regio");
    }
    match (object, &who.scope, action) {
        (O::Wijk, _, View) => grant("wijkindeling is zichtbaar voor alle gebruikers"),
        (O::AreaMap, S::Networks(_) | S::Organization(_), View) => {
            grant("kaart van de gebieden voor wie per gebied werkt")
        }
        (O::Network { code, .. }, S::Networks(mine), View | Edit) if mine.contains(code) => {
            grant("wijkmanager van dit netwerk")
        }
        (O::Network { practices, .. }, S::Practice(own), View) if practices.contains(own) => {
            grant("praktijk is lid van dit netwerk")
        }
        (O::NetworkTerms { code }, S::Networks(mine), View) if mine.contains(code) => {
            grant("wijkmanager van dit netwerk")
        }
        (O::Network { partners, .. }, S::Organization(org), View) if partners.contains(org) => {
            grant("organisatie is partner in dit netwerk")
        }
        (O::Practice { networks, .. }, S::Networks(mine), View) if networks.iter().any(|n| mine.contains(n)) => {
            grant("praktijk is lid van een netwerk van deze wijkmanager")
        }
        (O::Practice { practice, .. }, S::Practice(own), View | Edit) if practice == own => grant("eigen praktijk"),
        (O::RegisteredPatients { practice, .. }, S::Practice(own), View) if practice == own => grant("eigen praktijk"),
        (O::RegisteredPatients { networks, .. }, S::Networks(mine), View)
            if networks.iter().any(|n| mine.contains(n)) =>
        {
            grant("praktijk is lid van een netwerk van deze wijkmanager")
        }
        (O::Organization { .. }, _, View) => grant("netwerkpartners zijn zichtbaar voor alle gebruikers"),
        (O::Service { .. } | O::Directory, _, View) => grant("de sociale kaart is zichtbaar voor alle gebruikers"),
        (O::Directory, S::Networks(mine), Create) if !mine.is_empty() => {
            grant("wijkmanager voegt aanbod toe van partners in eigen netwerken")
        }
        (O::Directory, S::Organization(_), Create) => grant("eigen organisatie"),
        (O::Service { partner_in, .. }, S::Networks(mine), Edit | Create)
            if partner_in.iter().any(|n| mine.contains(n)) =>
        {
            grant("wijkmanager van een netwerk waarin de aanbieder partner is")
        }
        (O::Service { organization, .. }, S::Organization(own), Edit | Create) if organization == own => {
            grant("eigen organisatie")
        }
        (O::Organization { networks, .. }, S::Networks(mine), Edit) if networks.iter().any(|n| mine.contains(n)) => {
            grant("wijkmanager van een netwerk waarin deze organisatie partner is")
        }
        (O::Organization { code, .. }, S::Organization(own), Edit) if code == own => grant("eigen organisatie"),
        // Practices and partners follow their own referrals in full in their
        // worklists; network figures are for coordinators and the region.
        // Coordinators see what their own networks receive and the tariffs
        // it is computed with; only the region approves and sets tariffs.
        (O::PaymentStatement { network }, S::Networks(mine), View) if mine.contains(network) => {
            grant("wijkmanager ziet het betaaloverzicht van eigen netwerken")
        }
        (O::Tariffs, S::Networks(_), View) => grant("wijkmanagers zien de tarieven"),
        (O::ReferralFigures { networks }, S::Networks(mine), View)
            if !networks.is_empty() && networks.iter().all(|n| mine.contains(n)) =>
        {
            grant("wijkmanager ziet verwijscijfers van eigen netwerken")
        }
        _ => Err(Refusal::OutOfScope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, scope: Scope) -> Principal {
        Principal { user_id: 1, name: "Test".into(), role, scope, second_factor: false }
    }

    fn code(s: &str) -> Code {
        s.parse().unwrap()
    }

    #[test]
    fn wijkmanager_sees_own_network_and_not_another() {
        let wm = who(Role::Networks, Scope::Networks(vec![code("wsv-noord")]));
        let (noord, zuid) = (code("wsv-noord"), code("wsv-zuid"));
        let own = Object::Network { code: &noord, practices: &[], partners: &[] };
        let other = Object::Network { code: &zuid, practices: &[], partners: &[] };
        assert!(authorize(&wm, Action::Edit, own).is_ok());
        assert_eq!(authorize(&wm, Action::View, other), Err(Refusal::OutOfScope));
        assert_eq!(authorize(&wm, Action::Delete, own), Err(Refusal::OutOfScope));
    }

    #[test]
    fn only_the_region_changes_payment_terms() {
        let n = code("wsv-noord");
        let wm = who(Role::Networks, Scope::Networks(vec![n.clone()]));
        assert!(authorize(&wm, Action::Edit, Object::NetworkTerms { code: &n }).is_err());
        assert!(authorize(&who(Role::Region, Scope::Region), Action::Edit, Object::NetworkTerms { code: &n }).is_ok());
        let agb: Code = "01000001".parse().unwrap();
        let p = who(Role::Practice, Scope::Practice(agb.clone()));
        assert!(authorize(&p, Action::Edit, Object::RegisteredPatients { practice: &agb, networks: &[] }).is_err());
    }

    #[test]
    fn practice_reads_networks_it_belongs_to_and_edits_only_itself() {
        let agb: Code = "01000001".parse().unwrap();
        let other: Code = "01000002".parse().unwrap();
        let p = who(Role::Practice, Scope::Practice(agb.clone()));
        let n = code("wsv-noord");
        let member = Object::Network { code: &n, practices: std::slice::from_ref(&agb), partners: &[] };
        assert!(authorize(&p, Action::View, member).is_ok());
        assert!(authorize(&p, Action::Edit, member).is_err());
        assert!(authorize(&p, Action::Edit, Object::Practice { practice: &agb, networks: &[] }).is_ok());
        assert!(authorize(&p, Action::View, Object::Practice { practice: &other, networks: &[] }).is_err());
        assert!(authorize(&p, Action::View, Object::RegisteredPatients { practice: &other, networks: &[] }).is_err());
    }

    #[test]
    fn audit_log_needs_the_region_and_a_second_factor() {
        let mut admin = who(Role::Region, Scope::Region);
        assert_eq!(authorize(&admin, Action::View, Object::AuditLog), Err(Refusal::SecondFactorRequired));
        admin.second_factor = true;
        assert!(authorize(&admin, Action::View, Object::AuditLog).is_ok());
        let mut wm = who(Role::Networks, Scope::Networks(vec![]));
        wm.second_factor = true;
        assert_eq!(authorize(&wm, Action::View, Object::AuditLog), Err(Refusal::OutOfScope));
    }

    #[test]
    fn only_the_region_adds_to_the_region() {
        assert!(authorize(&who(Role::Region, Scope::Region), Action::Create, Object::Region).is_ok());
        let wm = who(Role::Networks, Scope::Networks(vec![code("wsv-noord")]));
        assert!(authorize(&wm, Action::Create, Object::Region).is_err());
    }

    #[test]
    fn only_the_region_manages_users_and_wijken() {
        for (role, scope) in [
            (Role::Networks, Scope::Networks(vec![code("wsv-noord")])),
            (Role::Practice, Scope::Practice("01000001".parse().unwrap())),
            (Role::Organization, Scope::Organization(code("welzijn-noord"))),
        ] {
            let u = who(role, scope);
            assert!(authorize(&u, Action::View, Object::Users).is_err());
            assert!(authorize(&u, Action::Edit, Object::Wijk).is_err());
            assert!(authorize(&u, Action::View, Object::Wijk).is_ok());
        }
        assert!(authorize(&who(Role::Region, Scope::Region), Action::Create, Object::Users).is_ok());
    }

    #[test]
    fn counts_are_for_the_practice_its_wijkmanager_and_the_region_only() {
        let agb: Code = "01000001".parse().unwrap();
        let n = code("wsv-noord");
        let networks = std::slice::from_ref(&n);
        let object = Object::RegisteredPatients { practice: &agb, networks };
        assert!(authorize(&who(Role::Networks, Scope::Networks(vec![n.clone()])), Action::View, object).is_ok());
        assert!(authorize(&who(Role::Networks, Scope::Networks(vec![code("wsv-zuid")])), Action::View, object).is_err());
        assert!(
            authorize(&who(Role::Organization, Scope::Organization(code("welzijn"))), Action::View, object).is_err()
        );
        let peer = who(Role::Practice, Scope::Practice("01000002".parse().unwrap()));
        assert!(
            authorize(&peer, Action::View, object).is_err(),
            "a fellow member sees the network total, not our count"
        );
    }

    #[test]
    fn services_are_kept_by_their_organisation_and_its_networks_coordinators() {
        let org = code("welzijn-noord");
        let n = code("wsv-noord");
        let service = Object::Service { organization: &org, partner_in: std::slice::from_ref(&n) };
        let own_partner = who(Role::Organization, Scope::Organization(org.clone()));
        let other_partner = who(Role::Organization, Scope::Organization(code("fysio-zuid")));
        let coordinator = who(Role::Networks, Scope::Networks(vec![n.clone()]));
        let other_coordinator = who(Role::Networks, Scope::Networks(vec![code("wsv-zuid")]));
        let practice = who(Role::Practice, Scope::Practice("01000001".parse().unwrap()));
        assert!(authorize(&own_partner, Action::Edit, service).is_ok());
        assert!(authorize(&coordinator, Action::Edit, service).is_ok());
        for refused in [&other_partner, &other_coordinator, &practice] {
            assert!(authorize(refused, Action::Edit, service).is_err());
            assert!(authorize(refused, Action::View, service).is_ok(), "everyone signed in reads the social map");
        }
    }

    #[test]
    fn partner_edits_own_organisation_only() {
        let own = code("welzijn-noord");
        let other = code("fysio-zuid");
        let p = who(Role::Organization, Scope::Organization(own.clone()));
        assert!(authorize(&p, Action::Edit, Object::Organization { code: &own, networks: &[] }).is_ok());
        assert!(authorize(&p, Action::Edit, Object::Organization { code: &other, networks: &[] }).is_err());
        assert!(authorize(&p, Action::View, Object::Organization { code: &other, networks: &[] }).is_ok());
    }

    #[test]
    fn only_the_two_parties_open_a_referral() {
        let (agb, other_agb): (Code, Code) = ("01000001".parse().unwrap(), "01000002".parse().unwrap());
        let (org, other_org) = (code("welzijn-noord"), code("fysio-zuid"));
        let n = code("wsv-noord");
        let referral = Object::Referral { referring_practice: &agb, receiving_organization: &org };
        let mut region = who(Role::Region, Scope::Region);
        region.second_factor = true;
        // (who, actions allowed); every other action is refused.
        let table: Vec<(Principal, &[Action])> = vec![
            (who(Role::Practice, Scope::Practice(agb.clone())), &[Action::View, Action::Edit, Action::Create]),
            (who(Role::Practice, Scope::Practice(other_agb)), &[]),
            (who(Role::Organization, Scope::Organization(org.clone())), &[Action::View, Action::Edit]),
            (who(Role::Organization, Scope::Organization(other_org)), &[]),
            (who(Role::Networks, Scope::Networks(vec![n])), &[]),
            (region, &[]),
        ];
        for (principal, allowed) in &table {
            for action in [Action::View, Action::Edit, Action::Create, Action::Delete] {
                let result = authorize(principal, action, referral);
                assert_eq!(result.is_ok(), allowed.contains(&action), "{:?} {action:?}", principal.scope);
            }
        }
        let practice = &table[0].0;
        assert_eq!(authorize(practice, Action::View, referral).unwrap().rule, "verwijzende praktijk");
        assert_eq!(authorize(&table[2].0, Action::Edit, referral).unwrap().rule, "ontvangende netwerkpartner");
    }

    #[test]
    fn referral_figures_are_for_the_region_and_the_networks_coordinator() {
        let (noord, zuid) = (code("wsv-noord"), code("wsv-zuid"));
        let both = [noord.clone(), zuid.clone()];
        let own = Object::ReferralFigures { networks: std::slice::from_ref(&noord) };
        let mixed = Object::ReferralFigures { networks: &both };
        let region = who(Role::Region, Scope::Region);
        let coordinator = who(Role::Networks, Scope::Networks(vec![noord.clone()]));
        let other_coordinator = who(Role::Networks, Scope::Networks(vec![zuid.clone()]));
        let practice = who(Role::Practice, Scope::Practice("01000001".parse().unwrap()));
        let partner = who(Role::Organization, Scope::Organization(code("welzijn-noord")));
        assert_eq!(
            authorize(&region, Action::View, mixed).unwrap().rule,
            "regio-beheerder ziet verwijscijfers van de regio"
        );
        assert!(authorize(&region, Action::Edit, mixed).is_err());
        assert_eq!(
            authorize(&coordinator, Action::View, own).unwrap().rule,
            "wijkmanager ziet verwijscijfers van eigen netwerken"
        );
        assert!(authorize(&coordinator, Action::View, mixed).is_err(), "a network of another coordinator is in it");
        assert!(authorize(&coordinator, Action::Edit, own).is_err());
        assert!(authorize(&coordinator, Action::View, Object::ReferralFigures { networks: &[] }).is_err());
        for refused in [&other_coordinator, &practice, &partner] {
            assert!(authorize(refused, Action::View, own).is_err(), "{:?}", refused.scope);
        }
    }

    #[test]
    fn scope_must_fit_role() {
        assert!(Scope::Region.fits(Role::Region));
        assert!(!Scope::Region.fits(Role::Practice));
        assert!(Scope::Networks(vec![]).fits(Role::Networks));
    }
}

#[cfg(test)]
mod application_tests {
    use super::*;

    #[test]
    fn only_the_region_reviews_applications() {
        let region =
            Principal { user_id: 1, name: "R".into(), role: Role::Region, scope: Scope::Region, second_factor: true };
        for action in [Action::View, Action::Edit] {
            assert_eq!(
                authorize(&region, action, Object::Applications).unwrap().rule,
                "regio-beheerder beoordeelt aanmeldingen"
            );
        }
        for (role, scope) in [
            (Role::Networks, Scope::Networks(vec!["wsv-noord".parse().unwrap()])),
            (Role::Practice, Scope::Practice("01000001".parse().unwrap())),
            (Role::Organization, Scope::Organization("welzijn-noord".parse().unwrap())),
        ] {
            let p = Principal { user_id: 2, name: "X".into(), role, scope, second_factor: false };
            for action in [Action::View, Action::Edit, Action::Create] {
                assert_eq!(authorize(&p, action, Object::Applications), Err(Refusal::OutOfScope), "{role:?}");
            }
        }
    }
}

#[cfg(test)]
mod finance_tests {
    use super::*;

    fn who(role: Role, scope: Scope) -> Principal {
        Principal { user_id: 1, name: "Test".into(), role, scope, second_factor: true }
    }

    #[test]
    fn payments_are_approved_and_tariffs_set_by_the_region_only() {
        let (noord, zuid): (Code, Code) = ("wsv-noord".parse().unwrap(), "wsv-zuid".parse().unwrap());
        let region = who(Role::Region, Scope::Region);
        let coordinator = who(Role::Networks, Scope::Networks(vec![noord.clone()]));
        let practice = who(Role::Practice, Scope::Practice("01000001".parse().unwrap()));
        let partner = who(Role::Organization, Scope::Organization("welzijn-noord".parse().unwrap()));
        let own = Object::PaymentStatement { network: &noord };
        let other = Object::PaymentStatement { network: &zuid };
        for object in [own, other, Object::PaymentApproval, Object::Tariffs] {
            assert!(authorize(&region, Action::View, object).is_ok());
            assert!(authorize(&region, Action::Edit, object).is_ok());
        }
        assert!(authorize(&coordinator, Action::View, own).is_ok());
        assert!(authorize(&coordinator, Action::View, other).is_err());
        assert!(authorize(&coordinator, Action::View, Object::Tariffs).is_ok());
        for action in [Action::Edit, Action::Create, Action::Delete] {
            for object in [own, Object::PaymentApproval, Object::Tariffs] {
                assert!(authorize(&coordinator, action, object).is_err());
            }
        }
        for refused in [&practice, &partner] {
            for object in [own, Object::PaymentApproval, Object::Tariffs] {
                assert!(authorize(refused, Action::View, object).is_err(), "{:?}", refused.scope);
            }
        }
    }

    #[test]
    fn the_operator_acts_for_the_region_but_never_opens_a_referral() {
        let op = Principal::operator();
        assert_eq!(op.account(), None);
        assert_eq!(authorize(&op, Action::Edit, Object::Region), Ok(Grant { rule: OPERATOR_RULE }));
        assert_eq!(authorize(&op, Action::View, Object::AuditLog), Ok(Grant { rule: OPERATOR_RULE }));
        assert_eq!(authorize(&op, Action::Edit, Object::PaymentApproval), Ok(Grant { rule: OPERATOR_RULE }));
        let (agb, org): (Code, Code) = ("01234567".parse().unwrap(), "welzijn-noord".parse().unwrap());
        let referral = Object::Referral { referring_practice: &agb, receiving_organization: &org };
        for action in [Action::View, Action::Edit, Action::Create, Action::Delete] {
            assert_eq!(authorize(&op, action, referral), Err(Refusal::OutOfScope));
        }
        // But it answers a patient's request for the access overview.
        let overview = Object::ReferralAccessLog { referring_practice: &agb };
        assert!(authorize(&op, Action::View, overview).is_ok());
        let practice = Principal { role: Role::Practice, scope: Scope::Practice(agb.clone()), ..Principal::operator() };
        assert!(authorize(&practice, Action::View, overview).is_ok());
        let other = Principal { scope: Scope::Practice("07654321".parse().unwrap()), ..practice.clone() };
        assert!(authorize(&other, Action::View, overview).is_err());
        let region = Principal { role: Role::Region, scope: Scope::Region, ..practice };
        assert!(authorize(&region, Action::View, overview).is_err(), "not even the region");
        assert!("operator".parse::<Role>().is_err(), "no account can be given the operator's role");
        assert!(!Scope::Region.fits(Role::Operator));
    }

    #[test]
    fn who_may_add_to_the_social_map() {
        let add = |scope: Scope, role: Role| authorize(&who(role, scope), Action::Create, Object::Directory).is_ok();
        assert!(add(Scope::Region, Role::Region));
        assert!(add(Scope::Networks(vec!["wsv-noord".parse().unwrap()]), Role::Networks));
        assert!(!add(Scope::Networks(vec![]), Role::Networks));
        assert!(add(Scope::Organization("welzijn-noord".parse().unwrap()), Role::Organization));
        assert!(!add(Scope::Practice("01000001".parse().unwrap()), Role::Practice));
        assert!(authorize(
            &who(Role::Practice, Scope::Practice("01000001".parse().unwrap())),
            Action::View,
            Object::Directory
        )
        .is_ok());
    }
}
