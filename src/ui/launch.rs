//! Going straight into a game: the options of `common-enemy play` and of the
//! browser page's URL, checked against the scenario and turned into a [`Launch`].

use super::Launch;
use super::autoplay::Autoplay;
use super::session::Seat;
use std::path::PathBuf;

/// What the command line or the page's URL asked for.
#[derive(Debug, Default)]
pub struct Options {
    /// A scenario in `scenarios/`: a file name, with or without `.ron`.
    pub scenario: Option<String>,
    /// `ID=WHO` or `ID:WHO`, WHO being `human` or a strategy spec.
    pub players: Vec<String>,
    pub seed: Option<u64>,
    pub noise: Option<f64>,
    /// Turns for AI to play through the screens, unattended.
    pub autoplay: Option<u32>,
    /// Where autoplay saves a PNG of every screen (the desktop's output).
    pub screenshots: Option<PathBuf>,
    /// The game's length, when not the scenario's.
    pub turns: Option<u32>,
    /// The window's size in pixels (the desktop's).
    pub window: Option<(u32, u32)>,
    /// Quick turns, where the scenario and seats allow them.
    pub quick: bool,
}

/// Checks the options against the scenario (read from `scenarios/`, which the
/// browser has fetched from the server) and makes the launch.
pub fn from_options(o: Options) -> Result<Launch, String> {
    let name =
        crate::platform::scenario_file_name(o.scenario.as_deref().unwrap_or(super::FLAGSHIP))?;
    let path = std::path::Path::new("scenarios").join(&name);
    let loaded = crate::scenario::load(&path)
        .map_err(|ds| ds.iter().map(|d| d.to_string()).collect::<String>())?;
    let mut seats = [Seat::Human, Seat::Ai("ai_normal".into())];
    for spec in &o.players {
        let (id, who) = spec
            .split_once(['=', ':'])
            .ok_or_else(|| format!("player {spec}: write ID=human or ID=STRATEGY"))?;
        let p = loaded.player_index(id).ok_or_else(|| {
            format!(
                "player {spec}: no player \"{id}\" in {}",
                loaded.scenario.id
            )
        })?;
        seats[p] = Seat::parse(who)?;
    }
    let autoplay = autoplay(o.autoplay, o.screenshots, seats.clone().map(|s| s.hand()));
    Ok(Launch {
        scenario: Some(name),
        seats: Some(seats),
        seed: o.seed,
        noise: o.noise,
        turns: o.turns,
        autoplay,
        resume: None,
        window: o.window,
        quick: o.quick,
        class: None,
    })
}

/// Joining a class from the command line or the page's URL: with a nickname,
/// straight to a seat; without, the join page filled in. Unattended (`autoplay`),
/// `hand` (a strategy spec, tit-for-tat by default) fills the seat's orders screens.
pub fn class(
    join: super::ClassJoin,
    hand: Option<String>,
    turns: Option<u32>,
    screenshots: Option<PathBuf>,
    window: Option<(u32, u32)>,
) -> Result<Launch, String> {
    if join.code.trim().is_empty() {
        return Err("give the class code the teacher shows".into());
    }
    if let Some(name) = &join.name {
        crate::class::protocol::clean_name(name).map_err(|e| format!("name {name:?}: {e}"))?;
    }
    if let Some(server) = &join.server {
        crate::class::protocol::socket_url(server)?;
    }
    if turns.is_some() && join.name.is_none() {
        return Err("an unattended class game needs a nickname too".into());
    }
    let hand = match hand {
        Some(spec) => {
            crate::strategy::Spec::parse(&spec)?;
            spec
        }
        None => Seat::Human.hand(),
    };
    Ok(Launch {
        class: Some(super::ClassJoin {
            code: join.code.trim().to_uppercase(),
            ..join
        }),
        autoplay: autoplay(turns, screenshots, [hand.clone(), hand]),
        window,
        ..Launch::default()
    })
}

/// Autoplay's settings, when asked for: every side is played through the
/// screens by a strategy (`hands`: a human seat's is tit-for-tat).
pub fn autoplay(turns: Option<u32>, dir: Option<PathBuf>, hands: [String; 2]) -> Option<Autoplay> {
    turns.map(|turns| Autoplay {
        turns: turns.max(1),
        dir,
        hands,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_and_the_command_line_seat_the_same_players() {
        let both = |sep: char| {
            from_options(Options {
                scenario: Some("syria_2015".into()),
                players: vec![format!("us{sep}tit_for_tat"), format!("russia{sep}grudger")],
                seed: Some(7),
                autoplay: Some(3),
                ..Options::default()
            })
            .unwrap()
        };
        let (url, cli) = (both(':'), both('='));
        assert_eq!(url.scenario.as_deref(), Some("syria_2015.ron"));
        assert_eq!(url.seats, cli.seats);
        assert_eq!(
            url.seats.unwrap(),
            [Seat::Ai("tit_for_tat".into()), Seat::Ai("grudger".into())]
        );
        assert_eq!(url.autoplay.map(|a| a.turns), Some(3));
    }

    #[test]
    fn bad_options_are_refused_with_a_reason() {
        let with = |scenario: &str, player: &str| {
            from_options(Options {
                scenario: Some(scenario.into()),
                players: vec![player.into()],
                ..Options::default()
            })
            .unwrap_err()
        };
        assert!(with("../etc/passwd", "us:human").contains("scenarios/"));
        assert!(with("syria_2015", "mars:human").contains("no player \"mars\""));
        assert!(with("syria_2015", "us").contains("ID=human"));
    }
}
