//! The Swedish wording of every error a person can meet. English is the `Display` of each
//! error; this is its Swedish twin, kept in one place so a translator sees every message.

use storekeep_domain::cart::CartError;
use storekeep_domain::money::MoneyError;
use storekeep_domain::returns::ReturnError;
use storekeep_domain::sale::TenderError;
use storekeep_domain::staff::{PinError, Role};
use storekeep_domain::store::IdentityError;
use storekeep_domain::vat::VatError;

use crate::error::Error;

/// The message in Swedish.
pub fn swedish(e: &Error) -> String {
    match e {
        Error::Barcode(b) => storekeep_domain::barcode::message_sv(b),
        Error::UnknownProduct(code) => {
            format!("Ingen vara har koden {code}. Kontrollera koden eller sök varan på namn")
        }
        Error::Cart(c) => match c {
            CartError::NeedsWeight { name } => {
                format!("{name} säljs per kilo: skanna viktetiketten eller väg varan")
            }
            CartError::NeedsPriceLabel { name } => {
                format!("{name} säljs till priset på etiketten: skanna etiketten")
            }
            CartError::NotSoldByMeasure { name, code } => {
                format!(
                    "{name} säljs inte per kilo eller etikettpris, men {code} är en vikt- eller prisetikett"
                )
            }
            CartError::WeightForPriceItem { name } => {
                format!("{name} säljs inte per kilo, så en vikt kan inte användas")
            }
            CartError::NoSuchLine(n) => format!("Det finns ingen rad {n} i köpet"),
            CartError::BadQuantity(q) => format!("\"{q}\" är inget antal: använd ett heltal från 1 till 9999"),
            CartError::BadWeight(w) => {
                format!("\"{w}\" är ingen vikt: skriv kilo med högst tre decimaler, som 0,450")
            }
            CartError::FixedQuantity { name } => {
                format!("Mängden för {name} bestäms av etiketten och kan inte ändras: makulera raden i stället")
            }
            CartError::DiscountReasonMissing => "En rabatt behöver en anledning".into(),
            CartError::BadDiscount(v) => {
                format!("\"{v}\" är ingen rabatt: ange procent över 0 och högst 100, eller ett belopp i kronor")
            }
            CartError::DiscountTooLarge { discount, base } => {
                format!("En rabatt på {discount} kr är mer än de {base} kr den gäller")
            }
            CartError::PaymentStarted => {
                "En betalning har tagits för köpet, så raderna kan inte ändras: slutför betalningen".into()
            }
            CartError::Vat(v) => vat_sv(v),
        },
        Error::Tender(t) => match t {
            TenderError::EmptySale => "Det finns inget att betala: skanna en vara först".into(),
            TenderError::InsufficientCash { due, tendered } => {
                format!("{tendered} kr är mindre än de {due} kr som ska betalas kontant")
            }
            TenderError::Negative => "Beloppet kan inte vara negativt eller noll".into(),
            TenderError::MoreThanRemaining { amount, remaining } => {
                format!("{amount} kr är mer än de {remaining} kr som återstår att betala")
            }
            TenderError::AlreadyPaid => "Köpet är redan betalt".into(),
            TenderError::ImplausibleChange { tendered, change } => format!(
                "{tendered} kr skulle ge {change} kr i växel: kontrollera mottaget belopp (skannades en streckkod in i fältet?)"
            ),
            TenderError::NothingToPay => "Det finns inget kvar att betala: slutför köpet kontant med 0 kr".into(),
        },
        Error::Amount(m) => match m {
            MoneyError::NotAnAmount(s) => {
                format!("\"{s}\" är inget belopp: skriv till exempel 125 eller 125,50")
            }
            MoneyError::TooPrecise(s) => format!("{s} har fler än två decimaler (öre)"),
            MoneyError::TooLarge(s) => format!("{s} är för stort: ett belopp har högst 14 siffror före decimaltecknet"),
        },
        Error::Vat(v) => vat_sv(v),
        Error::Identity(i) => match i {
            IdentityError::OrgNumberFormat(s) => {
                format!("\"{s}\" är inget svenskt organisationsnummer: skriv det som NNNNNN-NNNN")
            }
            IdentityError::OrgNumberCheck(s) => {
                format!("Organisationsnumret {s} har fel kontrollsiffra")
            }
            IdentityError::Missing(field) => format!("{} får inte vara tomt", field.swedish()),
        },
        Error::Unbalanced(b) => {
            format!("Försäljningen sparades inte eftersom beloppen inte går ihop: {b}")
        }
        Error::NotInitialized => {
            "Ingen butik är uppsatt ännu: kör `storekeep init` eller starta med --demo".into()
        }
        Error::AlreadyInitialized => "Butiken är redan uppsatt; dess uppgifter kan inte bytas ut".into(),
        Error::ReceiptNotFound(n) => format!("Det finns inget kvitto nummer {n} i den här kassan"),
        Error::Locked => "Databasen används av ett annat Storekeep-program. Stäng det och försök igen".into(),
        Error::Corrupt { path, detail } => {
            format!(
                "Databasfilen {path} är skadad ({detail}). Inget skrevs. Återställ den från en säkerhetskopia"
            )
        }
        Error::TooNew { found, known } => format!(
            "Databasen skrevs av en nyare Storekeep (schemaversion {found}; det här programmet känner till {known}). Installera den nyare versionen"
        ),
        Error::Backup(p) => p.sv(),
        Error::CatchUpPending => "Butiken har återställts från en säkerhetskopia och har ännu inte hämtat från HK det som såldes efter den, så inget kan registreras än: hämta från HK (sidan Status, eller `storekeep backup catch-up`)".into(),
        Error::DiskFull => "Disken är full, så inget sparades. Frigör utrymme och försök igen".into(),
        Error::DiskIo(detail) => format!(
            "Disken rapporterade ett fel när detta sparades ({detail}), så det kan ha sparats eller inte. Sälj inte mer på den här datorn: starta om Storekeep och kontrollera senaste kvittot innan ni fortsätter"
        ),
        Error::Storage(detail) => {
            format!("Databasen kunde inte läsas eller skrivas ({detail}). Inget sparades")
        }
        Error::Inconsistent(detail) => format!("Lagrade uppgifter stämmer inte: {detail}"),
        Error::Pin(PinError::Format) => "En PIN-kod är 4 till 8 siffror".into(),
        Error::WrongPin { left } => {
            format!("Fel PIN-kod. {left} försök till innan kontot låses en stund")
        }
        Error::LockedOut { name, seconds } => {
            format!(
                "{name} är låst efter för många felaktiga PIN-koder. Försök igen om {seconds} sekunder eller fråga en chef"
            )
        }
        Error::StaffDisabled(name) => {
            format!("{name} är avstängd och kan inte logga in. Fråga en chef")
        }
        Error::StaffNotFound(id) => format!("Det finns ingen personal med nummer {id}"),
        Error::NotAllowed { role, action } => {
            format!("Rollen {} får inte göra detta ({}). Fråga en chef", role_sv(*role), action.as_str())
        }
        Error::NeedsApproval(action) => {
            format!("Detta kräver en chefs godkännande: en chef anger sin PIN-kod ({})", action.as_str())
        }
        Error::ApproverNotManager(name) => {
            format!("{name} är inte chef och kan inte godkänna detta")
        }
        Error::StaffNameMissing => "Ett namn behövs".into(),
        Error::ReasonMissing => "En anledning behövs".into(),
        Error::FirstManagerExists => {
            "Butiken har redan en chef: logga in som chef för att lägga till personal".into()
        }
        Error::CannotDisableSelf => "Du kan inte stänga av dig själv: be en annan chef".into(),
        Error::NotLoggedIn => {
            "Ingen är inloggad i kassan (eller så tog passet slut): logga in med din PIN-kod".into()
        }
        Error::NoSuchLine(n) => format!("Det finns ingen rad {n} i köpet"),
        Error::CardDeclined(reason) => {
            format!("Kortet nekades ({reason}). Be om ett annat kort eller ett annat betalsätt")
        }
        Error::CardTimeout => "Kortterminalen svarade inte. Tryck Kort igen: kassan frågar först terminalen vad som hände, så kortet dras aldrig två gånger".into(),
        Error::CardOutcomeUnknown => "Terminalen kan fortfarande inte säga om den förra kortbetalningen gick igenom. Tryck Kort igen när den svarar; visar terminalens egen logg att betalningen misslyckades kan en chef stryka den".into(),
        Error::TerminalUnreachable(d) => {
            format!("Kortterminalen går inte att nå ({d}). Ta kontant, Swish eller presentkort")
        }
        Error::SwishUnavailable(d) => format!("Swish går inte att nå ({d}). Ta kort, kontant eller presentkort"),
        Error::SwishDeclined => "Kunden avböjde Swish-betalningen, eller så avbröts den".into(),
        Error::SwishFailed(d) => format!("Swish-betalningen misslyckades ({d}). Försök igen eller ta ett annat betalsätt"),
        Error::NoSwishPending => "Ingen Swish-betalning väntar".into(),
        Error::PaymentPending => "En kort- eller Swish-betalning pågår för köpet: slutför den först (avbryt en Swish-begäran, eller tryck Kort för att kontrollera en kortbetalning)".into(),
        Error::PaymentTaken => "Betalningar har tagits för köpet, så det kan inte parkeras eller avbrytas: ta resten".into(),
        Error::VoucherNotFound(c) => format!("Det finns inget presentkort med koden {c}"),
        Error::VoucherExpired(c) => format!("Presentkortet {c} har gått ut"),
        Error::VoucherUsed(c) => format!("Presentkortet {c} har inget kvar att betala med"),
        Error::ScaleUnstable => "Vågen har inte stabiliserat sig: vänta ett ögonblick och väg igen".into(),
        Error::ScaleEmpty => "Det ligger inget på vågen".into(),
        Error::ScaleUnavailable(d) => format!("Vågen går inte att läsa ({d}). Skriv in vikten i stället"),
        Error::ParkedNotFound(n) => format!("Det finns inget parkerat köp nummer {n}"),
        Error::SaleInProgress => "Ett köp pågår: slutför eller parkera det först".into(),
        Error::NothingToPark => "Det finns inget köp att parkera eller avbryta".into(),
        Error::DiscountAboveLimit { line, limit } => format!(
            "{} skulle då bli mer än de {limit} % en kassör får ge själv: ta bort rabatten först, eller fråga en chef",
            line.map_or("Rabatten på köpet".to_string(), |n| format!("Rabatten på rad {n}"))
        ),
        Error::NoUnknownCardPayment => "Ingen kortbetalning med okänt utfall väntar för köpet".into(),
        Error::DrawerUnavailable(d) => format!(
            "Kassalådan öppnades inte ({d}). Öppningen är registrerad; öppna den med nyckeln och säg till en chef"
        ),
        Error::NotSimulated => "Kassan använder riktiga enheter, så det finns ingen simulator att ställa in".into(),
        Error::NotApprovable(a) => format!("{} kan inte ställas in att kräva godkännande", a.as_str()),
        Error::Return(r) => match r {
            ReturnError::NothingChosen => "Välj minst en rad att returnera".into(),
            ReturnError::NoSuchLine { receipt, line } => format!("Kvitto {receipt} har ingen rad {line}"),
            ReturnError::TooMuch { line, name, wanted, left } => {
                format!("Rad {line} ({name}): {wanted} är mer än de {left} som finns kvar att returnera")
            }
            ReturnError::NotPositive { line, name } => format!("Rad {line} ({name}): antalet måste vara mer än noll"),
            ReturnError::NotWhole { line, name } => {
                format!("Rad {line} ({name}) säljs styckvis: returnera hela styck")
            }
            ReturnError::Repeated { line } => format!("Rad {line} är vald två gånger"),
            ReturnError::NoReason => "Ange en anledning till returen".into(),
        },
        Error::NotASale(n) => format!("Kvitto {n} är en retur: returer görs mot originalköpets kvitto"),
        Error::ReturnChanged(n) => format!("Någon annan gjorde just en retur mot kvitto {n}: titta på det igen"),
        Error::CopyAlreadyMade(n) => {
            format!("Kopian av kvitto {n} är redan utskriven: ett kvitto får bara ha en kopia")
        }
        Error::ControlUnitDown(d) => format!(
            "Kontrollenheten svarar inte ({d}) och butikens regel är att inte sälja förrän den gör det. Köpet är sparat med sina betalningar: försök igen, eller så kan en chef besluta att sälja vidare"
        ),
        Error::ZAlreadyTaken(n) => format!(
            "Dagens Z-rapport (nummer {n}) är redan tagen: dagen är stängd. Ta en X-rapport för att se siffrorna"
        ),
        Error::ShiftAlreadyOpen { number, cashier } => {
            format!("Skift {number} är öppet för {cashier}: stäng det innan ett nytt öppnas")
        }
        Error::NoOpenShift => "Inget skift är öppet i kassan: öppna ett med växelkassa först".into(),
        Error::TrainingCashOnly => {
            "I övningsläge tas bara kontanter: kort, Swish och presentkort skulle flytta riktiga pengar".into()
        }
        Error::ReportNotFound(n) => format!("Det finns ingen Z-rapport nummer {n}"),
        Error::ReturnUnfinished(n) => format!(
            "En retur mot kvitto {n} är inte klar: öppna Retur och ange kvitto {n} med samma rader för att slutföra den"
        ),
        Error::NoPendingReturn => "Ingen retur är ofullständig i kassan".into(),
        Error::ReturnRefunded(n) => format!(
            "Pengar har redan gått tillbaka till kort eller Swish för returen mot kvitto {n}: den måste slutföras, inte avbrytas"
        ),
        Error::Hours(h) => h.swedish(),
        Error::NoticeNeedsBothLanguages => {
            "Meddelandet till kunderna behöver både en svensk och en engelsk text (eller ingen)".into()
        }
        Error::BadBindAddress(a) => format!(
            "\"{a}\" är ingen adress att lyssna på: skriv 127.0.0.1:8787, eller 0.0.0.0:8787 för butikens nätverk"
        ),
        Error::FeedCannotListen { bind, why } => {
            format!("Öppettidstjänsten kan inte lyssna på {bind} ({why}); inställningen är oförändrad")
        }
        Error::NoticeTooLong(n) => format!(
            "Meddelandet till kunderna är {n} tecken långt: håll varje språk under 300 så att dörrskylten går att läsa"
        ),
        Error::HoursChangeNotFound(id) => format!("Det finns ingen gällande ändring {id} av öppettiderna"),
        Error::StoreClosed { sv, .. } => {
            format!("Butiken är stängd ({sv}). Försäljning utanför öppettiderna kräver en chefs godkännande")
        }
        Error::MethodRefused { refusal, alternatives } => {
            let then = if alternatives.is_empty() {
                "Inget annat betalsätt tar det beloppet nu".to_string()
            } else {
                format!("Ta i stället {}", alternatives.iter().map(|m| m.swedish()).collect::<Vec<_>>().join(", "))
            };
            format!("{}. {then}", refusal_sv(refusal))
        }
        Error::PaymentSetting { sv, .. } => sv.clone(),
        Error::PaymentChangeNotFound(id) => format!("Det finns ingen gällande ändring {id} av betalsätten"),
        Error::PurchaseNotFound(id) => format!("Det finns inget Scan & Pay-köp {id} i butiken"),
        Error::Remote(refusal) => format!("Avvisat: {}. Inget tillämpades", refusal.sv()),
        Error::Degraded { sv, .. } => sv.clone(),
        Error::IncidentNotFound(id) => format!("Det finns ingen händelse {id}"),
        Error::RefundUnknown(d) => format!(
            "Återbetalningen fick inget svar ({d}). Tryck Retur igen: kassan frågar först vad som hände, så inget betalas tillbaka två gånger"
        ),
    }
}

fn refusal_sv(r: &storekeep_domain::payments::Refusal) -> String {
    use storekeep_domain::payments::Refusal;
    match r {
        Refusal::Disabled { method } => format!("{} tas inte nu", method.swedish()),
        Refusal::BelowMin { method, min } => format!("{} tas från {} kr", method.swedish(), min.to_swedish()),
        Refusal::AboveMax { method, max } => {
            format!("{} tas upp till {} kr per betalning", method.swedish(), max.to_swedish())
        }
        Refusal::OfflineCap { cap } => {
            format!("Kortbetalningar offline får vara högst {} kr", cap.to_swedish())
        }
        Refusal::ExposureCap { cap, exposure } => format!(
            "Kortbetalningen offline skulle gå över butikens tak på {} kr ({} kr väntar på att skickas)",
            cap.to_swedish(),
            exposure.to_swedish()
        ),
    }
}

fn vat_sv(v: &VatError) -> String {
    match v {
        VatError::NoRate { category, date } => {
            format!(
                "Ingen momssats finns för {} den {date}: momstabellen saknar en rad för det datumet",
                category.as_str()
            )
        }
        VatError::Overlap { category, date } => {
            format!("Två momssatser för {} gäller samtidigt den {date}", category.as_str())
        }
    }
}

fn role_sv(role: Role) -> &'static str {
    match role {
        Role::Manager => "chef",
        Role::Cashier => "kassör",
        Role::Kiosk => "kiosk",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_swedish_words_of_its_own() {
        let samples = [
            Error::Barcode(storekeep_domain::barcode::BarcodeError::BadCheckDigit {
                code: "7300000000000".into(),
                expected: 4,
            }),
            Error::UnknownProduct("7399999999996".into()),
            Error::Tender(TenderError::InsufficientCash { due: "39,00".into(), tendered: "20,00".into() }),
            Error::Amount(MoneyError::NotAnAmount("tio".into())),
            Error::Identity(IdentityError::Missing(storekeep_domain::store::IdentityField::Address)),
            Error::Locked,
            Error::TooNew { found: 9, known: 1 },
            Error::CardTimeout,
            Error::Cart(CartError::PaymentStarted),
        ];
        for e in &samples {
            let sv = swedish(e);
            assert_ne!(sv, e.to_string());
            assert!(!sv.is_empty());
        }
        assert!(swedish(&samples[0]).contains("kontrollsiffra") && swedish(&samples[0]).contains("4"));
        assert!(swedish(&samples[2]).contains("39,00"));
        assert_eq!(swedish(&samples[4]), "Adressen får inte vara tomt");
        assert_eq!(samples[5].to_api().message_sv, swedish(&samples[5]));
    }
}
