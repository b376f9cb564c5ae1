package org.pgfence.audit.store;

/** What storing a master-promoted event did: the promotion's id, whether it is new, whether the event is new. */
public record PromotionWrite(long promotionId, boolean newPromotion, boolean newEvent) {
}
