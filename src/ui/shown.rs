//! What the player at the screen is shown of each metric. Scenario format 2 can
//! give a side only an estimate of a metric (fog) and can keep bookkeeping metrics
//! from players altogether (`hidden`). Every screen that prints, charts or maps a
//! metric during play asks a [`Lens`], so no screen shows a true value that another
//! one hides; the debrief looks with [`Viewer::Truth`] and says so.

use super::session::{Session, View};
use crate::scenario::LoadedScenario;

/// Whose eyes a screen is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// One side's player: that side's estimates of the metrics fogged for it.
    Side(usize),
    /// A hot-seat screen both players see (briefing, hand-over, reveal, report): a
    /// metric fogged for either side is withheld, since each side's estimate is
    /// its own and the truth is neither's.
    Both,
    /// The true values: the debrief, or a game with no human at the screen.
    Truth,
}

impl Viewer {
    /// Who the session's current screen is for: the one human of a game against
    /// the AI; in hot-seat, the side whose orders are on screen, else both.
    pub fn of(session: &Session) -> Viewer {
        match (session.view, &session.humans()[..]) {
            (View::Debrief, _) | (_, []) => Viewer::Truth,
            (_, [p]) => Viewer::Side(*p),
            (View::Orders(p), _) => Viewer::Side(p),
            _ => Viewer::Both,
        }
    }
}

/// A metric as a screen shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    /// The true value.
    Exact(f64),
    /// The viewer's estimate of a fogged metric.
    Estimate(f64),
    /// Fogged for a side at a screen both sides see: each sees its own estimate
    /// on its orders screen.
    Withheld,
}

impl Shown {
    /// The value to draw with (a bar, a chart, the map); none when withheld.
    pub fn value(self) -> Option<f64> {
        match self {
            Shown::Exact(v) | Shown::Estimate(v) => Some(v),
            Shown::Withheld => None,
        }
    }

    /// The number as a screen prints it: "42.3", "≈ 42", or "?" for a withheld
    /// value. An estimate keeps no decimal: it is not that precise.
    pub fn number(self) -> String {
        match self {
            Shown::Exact(v) => format!("{v:.1}"),
            Shown::Estimate(v) => format!("≈ {v:.0}"),
            Shown::Withheld => "?".into(),
        }
    }

    /// What marks the number as not the truth, where the screen has room for it.
    pub fn marker(self) -> Option<&'static str> {
        match self {
            Shown::Exact(_) => None,
            Shown::Estimate(_) => Some("estimate"),
            Shown::Withheld => Some("each side's own estimate"),
        }
    }
}

/// Said of a withheld value wherever there is room to explain it.
pub const WITHHELD: &str =
    "Each side sees only its own estimate of this, on its own orders screen.";

/// What one screen shows of the metrics of one match.
#[derive(Clone, Copy)]
pub struct Lens<'a> {
    pub s: &'a LoadedScenario,
    /// The match's seed: estimates are drawn from it.
    pub seed: u64,
    pub viewer: Viewer,
}

impl<'a> Lens<'a> {
    /// Whether the metric behind a record key is shown at all: hidden
    /// bookkeeping metrics never are.
    pub fn visible(&self, key: &str) -> bool {
        !self.s.is_hidden(key)
    }

    /// What the viewer is shown of the metric `key` (`war_risk`, `us.score`), whose
    /// true value after `resolved` turns (0: the start) is `truth`.
    pub fn shown(&self, key: &str, resolved: u32, truth: f64) -> Shown {
        use crate::sim::fog::{fogged, seen_value};
        let Some(slot) = self.s.slot_of(key) else {
            return Shown::Exact(truth);
        };
        let c = &self.s.compiled;
        match self.viewer {
            Viewer::Truth => Shown::Exact(truth),
            Viewer::Both if fogged(c, 0, slot) || fogged(c, 1, slot) => Shown::Withheld,
            Viewer::Side(p) if fogged(c, p, slot) => {
                Shown::Estimate(seen_value(c, self.seed, resolved, p as u8, slot, truth))
            }
            Viewer::Both | Viewer::Side(_) => Shown::Exact(truth),
        }
    }

    /// Why the value of `key` is uncertain, as the scenario explains its fog.
    pub fn fog_reason(&self, key: &str) -> Option<&'a str> {
        self.s
            .metric_def(key)
            .and_then(|m| m.fog.as_ref())
            .map(|f| f.description.as_str())
            .filter(|d| !d.is_empty())
    }
}

#[cfg(test)]
mod tests {
    //! The values the game's screens print, through the lens they all use, on the
    //! Cuban crisis: both sides see the risk of war only as an estimate, the United
    //! States also the missiles; the invasion force is plain to both.
    use super::*;
    use crate::ui::session::{Seat, Setup};
    use bevy::prelude::Handle;

    fn cuba() -> LoadedScenario {
        crate::scenario::load(std::path::Path::new("scenarios/cuba_1962.ron")).unwrap()
    }

    fn session(seats: [Seat; 2], view: View) -> Session {
        let setup = Setup {
            scenario: "cuba_1962.ron".into(),
            seats,
            seed: 3,
            noise: None,
            turns: None,
            autoplayed_by: None,
            quick: false,
            continuation: None,
        };
        let mut s = Session::new(setup, Handle::default());
        s.view = view;
        s
    }

    #[test]
    fn the_screen_decides_whose_eyes_look() {
        let ai = || Seat::Ai("tit_for_tat".into());
        let hot = |view| Viewer::of(&session([Seat::Human, Seat::Human], view));
        assert_eq!(
            Viewer::of(&session([ai(), Seat::Human], View::Report)),
            Viewer::Side(1),
            "against the AI, the one human sees every screen"
        );
        assert_eq!(hot(View::Orders(1)), Viewer::Side(1));
        for shared in [
            View::Briefing,
            View::Handover(0),
            View::Reveal,
            View::Report,
        ] {
            assert_eq!(hot(shared), Viewer::Both, "{shared:?}");
        }
        assert_eq!(hot(View::Debrief), Viewer::Truth);
        assert_eq!(
            Viewer::of(&session([ai(), ai()], View::Report)),
            Viewer::Truth
        );
    }

    #[test]
    fn a_fogged_metric_shows_the_viewers_estimate_marked_as_one() {
        let s = cuba();
        let lens = |viewer| Lens {
            s: &s,
            seed: 3,
            viewer,
        };
        let (us, ussr) = (lens(Viewer::Side(0)), lens(Viewer::Side(1)));
        let mut differs = false;
        for turn in 0..13 {
            let truth = 40.0;
            let Shown::Estimate(v) = us.shown("missiles_ready", turn, truth) else {
                panic!("the United States sees the missiles only as an estimate");
            };
            assert!((v - truth).abs() <= 15.0, "within the fog's error");
            differs |= v != truth;
            assert_eq!(
                ussr.shown("missiles_ready", turn, truth),
                Shown::Exact(truth),
                "Moscow knows its missiles"
            );
            assert!(matches!(
                ussr.shown("war_risk", turn, truth),
                Shown::Estimate(_)
            ));
            assert_eq!(us.shown("invasion_ready", turn, truth), Shown::Exact(truth));
            assert_eq!(
                lens(Viewer::Both).shown("missiles_ready", turn, truth),
                Shown::Withheld,
                "a shared hot-seat screen shows neither side's estimate"
            );
            assert_eq!(
                lens(Viewer::Truth).shown("war_risk", turn, truth),
                Shown::Exact(truth)
            );
        }
        assert!(differs, "an estimate is not the truth");
        // The same turn gives the same estimate on every screen; the text says what it is.
        let a = us.shown("war_risk", 4, 30.0);
        assert_eq!(a, us.shown("war_risk", 4, 30.0));
        assert!(a.number().starts_with("≈ ") && !a.number().contains('.'));
        assert_eq!(a.marker(), Some("estimate"));
        assert_eq!(Shown::Exact(30.0).number(), "30.0");
        assert_eq!(Shown::Exact(30.0).marker(), None);
        assert!(us.fog_reason("missiles_ready").is_some());
    }

    #[test]
    fn hidden_bookkeeping_is_never_visible() {
        let s = crate::scenario::load(std::path::Path::new("scenarios/syria_2015.ron")).unwrap();
        let lens = Lens {
            s: &s,
            seed: 1,
            viewer: Viewer::Truth,
        };
        assert!(!lens.visible("isis_last_month"));
        assert!(lens.visible("isis_strength"));
        assert!(lens.visible("us.score"));
    }
}
