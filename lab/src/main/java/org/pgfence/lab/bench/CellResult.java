package org.pgfence.lab.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Everything measured for one number of pgbouncer hosts. */
record CellResult(int hosts, List<PromotionSample> samples, List<Long> announceMillis, AgentCost.Summary idle,
                  AgentCost.Summary afterRun, List<ClassicRecipe.Run> classic, ClassicRecipe.Observation observation) {

    List<PromotionSample> complete() {
        return samples.stream().filter(PromotionSample::complete).toList();
    }

    /** Per promotion: publication to the last host's verified ack. */
    Percentiles fencing() {
        return Percentiles.of(complete().stream().map(PromotionSample::fencingMillis).toList());
    }

    /** Per ack, all hosts of all promotions pooled. */
    Percentiles perAck() {
        return Percentiles.of(acks().stream().map(PromotionSample.HostAck::fromPublishMillis).toList());
    }

    Percentiles perAckFromSend() {
        return Percentiles.of(acks().stream().map(PromotionSample.HostAck::fromSendMillis).toList());
    }

    Percentiles delivery() {
        return Percentiles.of(acks().stream().map(PromotionSample.HostAck::deliveryMillis).toList());
    }

    Percentiles agentOwn() {
        return Percentiles.of(acks().stream().map(PromotionSample.HostAck::agentMillis).toList());
    }

    Percentiles discover() {
        return Percentiles.of(acks().stream().map(PromotionSample.HostAck::discoverMillis).toList());
    }

    Percentiles apply() {
        return Percentiles.of(acks().stream().map(PromotionSample.HostAck::applyMillis).toList());
    }

    /** All agents' CPU from publication to the last ack, per promotion. */
    Percentiles agentsCpu() {
        return Percentiles.of(cpu().stream().map(CpuSampler.Usage::agentsMillis).toList());
    }

    /** The machine's busy share of its cores in the same windows, per promotion, in percent. */
    Percentiles machineBusy() {
        return Percentiles.of(cpu().stream().map(u -> Math.round(u.machineBusyPercent())).toList());
    }

    /** Each process group's CPU in the same windows ({@link ProcessGroups}), median per promotion; empty if not sampled. */
    Map<String, Long> cpuByGroupP50() {
        Map<String, Long> out = new LinkedHashMap<>();
        List<CpuSampler.Usage> used = cpu().stream().filter(u -> !u.byGroupMillis().isEmpty()).toList();
        if (!used.isEmpty()) {
            used.get(0).byGroupMillis().keySet().forEach(g -> out.put(g,
                    Percentiles.median(used.stream().map(u -> u.byGroupMillis().getOrDefault(g, 0L)).toList())));
        }
        return out;
    }

    private List<CpuSampler.Usage> cpu() {
        return complete().stream().map(PromotionSample::cpu).filter(java.util.Objects::nonNull).toList();
    }

    Percentiles classicMillis() {
        return Percentiles.of(classic.stream().filter(r -> r.exitCode() == 0).map(ClassicRecipe.Run::millis).toList());
    }

    /** Median classic run over median pgfence fencing latency (-1 when either is missing). */
    double speedup() {
        long c = classicMillis().p50();
        long f = fencing().p50();
        return c <= 0 || f <= 0 ? -1 : (double) c / f;
    }

    private List<PromotionSample.HostAck> acks() {
        return complete().stream().flatMap(s -> s.acks().stream()).collect(Collectors.toList());
    }
}
