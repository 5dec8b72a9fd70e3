import Foundation
import SimulationSchema
import Synchronization

/// `threads` and `serial` mode: W threads over shared arrays, each step split
/// into phases by barriers. Worker w owns particles `ranges[w]`: in the write
/// phase it moves them, in the read phase it computes their accelerations
/// from every position. No locks inside a phase; the barrier between phases
/// is the only synchronisation. Worker 0 runs on the calling thread and
/// alone talks to the coordinator.
struct BarrierStepper {
    let buffers: ParticleBuffers
    let physics: Physics
    let ranges: [Range<Int>]
    let template: Particles

    /// Workers for `particles`, which hold the state of step `step`.
    init(particles: Particles, step: Int, physics: Physics, workers: Int) {
        buffers = ParticleBuffers(particles, step: step)
        self.physics = physics
        ranges = partition(particles.count, into: workers)
        template = particles
    }

    /// Steps from `coordinator.plan.first` until the coordinator stops.
    func run(_ coordinator: StepCoordinator) {
        let shared = SharedStep(workers: ranges.count)
        let plan = coordinator.plan
        let done = DispatchGroup()
        for worker in 1..<ranges.count {
            done.enter()
            Thread {
                work(worker, plan: plan, shared: shared, coordinator: nil)
                done.leave()
            }.start()
        }
        work(0, plan: plan, shared: shared, coordinator: coordinator)
        done.wait()
    }

    private func work(_ worker: Int, plan: RecordingPlan, shared: SharedStep, coordinator: StepCoordinator?) {
        let range = ranges[worker]
        var step = plan.first
        buffers.accelerate(range, step: step, gravity: physics.gravity, softening: physics.softening, potential: true)
        shared.checks[worker].value = PhaseCheck(badAcceleration: buffers.firstNonFiniteAcceleration(range))
        shared.barrier.wait()
        while true {
            if let coordinator {
                let check = shared.checks.reduce(PhaseCheck.clean) { $0.merged(with: $1.value) }
                shared.decision = coordinator.decide(after: step, check: check, snapshot: snapshot)
            }
            shared.barrier.wait()
            switch shared.decision {
            case .proceed:
                break
            case .stop:
                return
            case .recordThenStop(let last):
                buffers.accelerate(
                    range, step: last, gravity: physics.gravity, softening: physics.softening, potential: true)
                shared.barrier.wait()
                coordinator?.finish(with: snapshot(last))
                return
            }
            buffers.writePhase(range, step: step, physics: physics)
            shared.barrier.wait()
            step += 1
            buffers.readPhase(range, step: step, physics: physics, potential: plan.records(step))
            shared.checks[worker].value = buffers.check(range, step: step)
            shared.barrier.wait()
        }
    }

    private func snapshot(_ step: Int) -> Frame {
        Frame(
            step: step, time: Double(step) * physics.dt, particles: buffers.particles(at: step, template: template),
            potential: buffers.potentialEnergy(gravity: physics.gravity))
    }
}

/// What the workers of one BarrierStepper run share.
///
/// `@unchecked Sendable`: `checks[w].value` is written only by worker w,
/// and `decision` only by worker 0, each before a barrier and read only
/// after it.
private final class SharedStep: @unchecked Sendable {
    final class Slot {
        var value = PhaseCheck.clean
    }

    let barrier: Barrier
    let checks: [Slot]
    var decision = StepDecision.proceed

    init(workers: Int) {
        barrier = Barrier(count: workers)
        checks = (0..<workers).map { _ in Slot() }
    }
}

/// `count` particles split into `parts` contiguous ranges whose sizes differ
/// by at most one.
func partition(_ count: Int, into parts: Int) -> [Range<Int>] {
    (0..<parts).map { part in (count * part / parts)..<(count * (part + 1) / parts) }
}
