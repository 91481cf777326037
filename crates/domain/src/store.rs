//! Who is selling: the company, the point of sale and the register (receipt fields 1, 2, 5).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("\"{0}\" is not a Swedish organisation number: write it as NNNNNN-NNNN")]
    OrgNumberFormat(String),
    #[error("The organisation number {0} has a wrong check digit")]
    OrgNumberCheck(String),
    #[error("{} must not be empty", .0.english())]
    Missing(IdentityField),
}

/// A required part of the store identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityField {
    CompanyName,
    Address,
    RegisterId,
}

impl IdentityField {
    pub fn english(self) -> &'static str {
        match self {
            IdentityField::CompanyName => "The company name",
            IdentityField::Address => "The address",
            IdentityField::RegisterId => "The register designation",
        }
    }

    pub fn swedish(self) -> &'static str {
        match self {
            IdentityField::CompanyName => "Företagsnamnet",
            IdentityField::Address => "Adressen",
            IdentityField::RegisterId => "Kassabeteckningen",
        }
    }
}

/// A Swedish organisation number (organisationsnummer), `NNNNNN-NNNN`, Luhn-checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(type = "string")]
#[serde(try_from = "String", into = "String")]
pub struct OrgNumber(String);

impl OrgNumber {
    pub fn parse(text: &str) -> Result<OrgNumber, IdentityError> {
        let digits: String = text.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentityError::OrgNumberFormat(text.trim().to_string()));
        }
        let formatted = format!("{}-{}", &digits[..6], &digits[6..]);
        let sum: u32 = digits
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .enumerate()
            .map(|(i, d)| {
                if i % 2 == 0 {
                    let x = d * 2;
                    x / 10 + x % 10
                } else {
                    d
                }
            })
            .sum();
        if !sum.is_multiple_of(10) {
            return Err(IdentityError::OrgNumberCheck(formatted));
        }
        Ok(OrgNumber(formatted))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgNumber {
    type Error = IdentityError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        OrgNumber::parse(&s)
    }
}

impl From<OrgNumber> for String {
    fn from(o: OrgNumber) -> String {
        o.0
    }
}

/// The seller as printed on every receipt and report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StoreIdentity {
    pub company_name: String,
    pub org_number: OrgNumber,
    /// Address of the point of sale (receipt field 2).
    pub address: String,
    /// The register designation (kassabeteckning), e.g. `KASSA-01`.
    pub register_id: String,
}

impl StoreIdentity {
    pub fn new(
        company_name: &str,
        org_number: &str,
        address: &str,
        register_id: &str,
    ) -> Result<StoreIdentity, IdentityError> {
        let required = |v: &str, what| {
            let v = v.trim();
            if v.is_empty() { Err(IdentityError::Missing(what)) } else { Ok(v.to_string()) }
        };
        Ok(StoreIdentity {
            company_name: required(company_name, IdentityField::CompanyName)?,
            org_number: OrgNumber::parse(org_number)?,
            address: required(address, IdentityField::Address)?,
            register_id: required(register_id, IdentityField::RegisterId)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_numbers_are_luhn_checked() {
        // Skatteverket's own organisation number.
        assert_eq!(OrgNumber::parse("202100-5448").unwrap().as_str(), "202100-5448");
        assert_eq!(OrgNumber::parse("2021005448").unwrap().as_str(), "202100-5448");
        assert!(matches!(OrgNumber::parse("202100-5449"), Err(IdentityError::OrgNumberCheck(_))));
        assert!(matches!(OrgNumber::parse("20210-5448"), Err(IdentityError::OrgNumberFormat(_))));
        assert!(matches!(
            StoreIdentity::new(" ", "202100-5448", "Gatan 1", "K1"),
            Err(IdentityError::Missing(_))
        ));
    }
}
