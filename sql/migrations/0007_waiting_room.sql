-- The waiting room (API.md Part 2, "On-sale"): for a show with a queue_rate, who joined and
-- where they stand. Everyone who joins before the on-sale time gets a random draw; at that
-- time the draws are turned into positions 1..n once (the show's queue is "sealed"), and
-- later joiners take the next position in arrival order.

-- One row per show whose queue has been joined: the lock that orders sealing and late
-- joins, and the next position to hand out.
CREATE TABLE IF NOT EXISTS show_queues (
  show_id       BIGINT      NOT NULL PRIMARY KEY,
  sealed_at     DATETIME(6) NULL,
  next_position INT         NOT NULL DEFAULT 1,
  CONSTRAINT fk_show_queues_show FOREIGN KEY (show_id) REFERENCES shows (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS queue_entries (
  show_id   BIGINT          NOT NULL,
  user_id   BIGINT          NOT NULL,
  joined_at DATETIME(6)     NOT NULL,
  -- Random, from the server's own source: the order of those who joined before the sale.
  draw      BIGINT UNSIGNED NOT NULL,
  -- NULL until the queue is sealed (for those who joined before the sale).
  position  INT             NULL,
  PRIMARY KEY (show_id, user_id),
  UNIQUE KEY uq_queue_entries_position (show_id, position),
  KEY ix_queue_entries_user (user_id),
  CONSTRAINT fk_queue_entries_queue FOREIGN KEY (show_id) REFERENCES show_queues (show_id)
    ON DELETE CASCADE,
  CONSTRAINT fk_queue_entries_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
