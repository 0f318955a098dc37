//! How long `ai_hard` thinks: the time it takes to choose its orders on
//! `syria_2015` at turns 1, 12 and 23, for the US (first player), one thread.
//! The match is played to that turn by two alternators (two tit-for-tats win the
//! war before turn 23) and stopped at its orders
//! (the US seat handed to the outside), then a fresh `ai_hard` is asked on each
//! iteration. The aim is under 300 ms.
//! `cargo bench --bench ai_think`; the README records the figures.

use common_enemy::sim::components::{Controller, Match, Orders, Phase, Sides};
use common_enemy::sim::phases::strategy_orders;
use common_enemy::sim::runner::Headless;
use common_enemy::sim::{MatchSetup, assign_controller};
use common_enemy::strategy::Spec;
use std::path::Path;
use std::sync::Arc;

fn main() {
    divan::main();
}

/// `ai_hard`'s choice at `turn`, for the first player.
#[divan::bench(args = [1, 12, 23], sample_count = 5, sample_size = 1)]
fn ai_hard_syria_2015(bencher: divan::Bencher, turn: u32) {
    let scenario = Arc::new(
        common_enemy::scenario::load(Path::new("scenarios/syria_2015.ron")).expect("scenario"),
    );
    let alternator = || Spec::parse("alternator").unwrap().controller();
    let mut h = Headless::default();
    let m = h.spawn(MatchSetup {
        scenario: scenario.clone(),
        seed: 7,
        turns: None,
        noise: None,
        continuation: None,
        controllers: [alternator(), alternator()],
        explain: false,
        hold: false,
        record_as: None,
    });
    while h.state(m).expect("match").turn < turn {
        assert!(
            h.state(m).unwrap().outcome.is_none(),
            "the match ended before turn {turn}"
        );
        h.step();
    }
    // The US seat waits for outside orders: the briefing of `turn` runs, then the match stops.
    assign_controller(h.app.world_mut(), m, 0, Controller::External);
    h.step();
    let world = h.app.world();
    let state: &Match = world.get(m).expect("match");
    assert!(
        state.turn == turn && state.phase == Phase::Orders,
        "the match is at turn {turn}'s orders"
    );
    let sides: &Sides = world.get(m).expect("sides");
    bencher.bench_local(|| {
        // A fresh AI each time: it may learn from what it is shown.
        let Controller::Strategy {
            mut strategy,
            mut rng,
        } = Spec::parse("ai_hard").unwrap().controller()
        else {
            unreachable!("ai_hard is a strategy")
        };
        let mut orders = Orders::default();
        strategy_orders(
            &scenario,
            state,
            sides,
            0,
            &mut *strategy,
            &mut rng,
            &mut orders,
        );
        orders
    });
}
