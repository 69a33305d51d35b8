package io.hartonomous.atom.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatisticsRefreshPolicyTest {

    @Test
    void refreshesWhileSmallEveryThousandRowsThenWhenTheTablesGrewByAFifth() {
        StatisticsRefreshPolicy policy = new StatisticsRefreshPolicy();
        policy.inserted(1, 999);
        assertThat(policy.begin()).isFalse();
        policy.inserted(1, 1);
        assertThat(policy.begin()).isTrue();
        assertThat(policy.begin()).as("counts start over").isFalse();

        policy.inserted(1, 999_000); // 1,000,000 in all
        assertThat(policy.begin()).isTrue();
        policy.inserted(1, 199_999);
        assertThat(policy.begin()).as("a fifth of 1,000,000 not reached").isFalse();
        policy.inserted(1, 1);
        assertThat(policy.begin()).isTrue();
    }

    @Test
    void aTenantNewToTheStatisticsGetsThemRefreshedOnceItHasAThousandRows() {
        StatisticsRefreshPolicy policy = new StatisticsRefreshPolicy();
        policy.inserted(1, 5_000_000);
        assertThat(policy.begin()).isTrue();

        // far below a fifth of the store, but tenant 2 is unknown to the statistics
        policy.inserted(2, 999);
        assertThat(policy.begin()).isFalse();
        policy.inserted(2, 1);
        assertThat(policy.begin()).isTrue();

        // seen now: its further rows count as growth only
        policy.inserted(2, 50_000);
        assertThat(policy.begin()).isFalse();
        // tenant 1, seen by the first refresh, is no new tenant either
        policy.inserted(1, 50_000);
        assertThat(policy.begin()).isFalse();

        // a tenant below the threshold at a refresh stays unseen until it reaches it
        policy.inserted(3, 10);
        policy.inserted(4, 1_000);
        assertThat(policy.begin()).isTrue(); // tenant 4
        policy.inserted(3, 990);
        assertThat(policy.begin()).as("tenant 3 reached 1,000 rows after the refresh that did not see it").isTrue();
        assertThat(policy.begin()).isFalse();
    }

    @Test
    void theNextRefreshIsAFifthOfWhatTheLastOneCountedNotOfWhatThisInstanceInserted() {
        // started against a store of 10 million rows: its first thousand rows refresh, and then
        // only a fifth of the store does, not every further fifth of its own rows
        StatisticsRefreshPolicy policy = new StatisticsRefreshPolicy();
        policy.inserted(1, 1_000);
        assertThat(policy.begin()).isTrue();
        policy.refreshed(10_000_000);
        policy.inserted(1, 1_999_999);
        assertThat(policy.begin()).isFalse();
        policy.inserted(1, 1);
        assertThat(policy.begin()).isTrue();
    }

    @Test
    void tablesFoundSmallerThanThisInstanceInsertedAreRefreshedAsTheyGrowAgain() {
        StatisticsRefreshPolicy policy = new StatisticsRefreshPolicy();
        policy.inserted(1, 1_000_000);
        assertThat(policy.begin()).isTrue();
        policy.refreshed(1_000_000);
        // the tables emptied meanwhile (truncated, collected); a new tenant's rows make a refresh
        // due, and it counts 1,000 rows
        policy.inserted(2, 1_000);
        assertThat(policy.begin()).isTrue();
        policy.refreshed(1_000);
        // from then on a thousand rows are growth again, not a 200,000th of a former size
        policy.inserted(2, 999);
        assertThat(policy.begin()).isFalse();
        policy.inserted(2, 1);
        assertThat(policy.begin()).isTrue();
        policy.refreshed(-1);
        policy.inserted(2, 1_000);
        assertThat(policy.begin()).as("an unknown count keeps the last one, grown by the rows inserted").isTrue();
    }
}
