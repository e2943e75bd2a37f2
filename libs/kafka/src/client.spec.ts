import { KafkaJSProtocolError, type ITopicMetadata } from 'kafkajs';
import { waitForTopicLeaders } from './client';

/** kafkajs builds its protocol errors from the broker's error entry (message, type, code), as here. */
const notYet = (type: string) =>
  new KafkaJSProtocolError(Object.assign(new Error('not yet'), { type, code: 3, retriable: true }));

const topicWithLeaders = (name: string, leaders: number[]): ITopicMetadata => ({
  name,
  partitions: leaders.map((leader, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader,
    replicas: [1],
    isr: [1],
  })),
});

function adminAnswering(answers: Array<ITopicMetadata[] | Error>) {
  let call = 0;
  return {
    calls: () => call,
    fetchTopicMetadata: async () => {
      const answer = answers[Math.min(call++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return { topics: answer };
    },
  };
}

describe('waitForTopicLeaders', () => {
  it('rides out the "not there yet" answers of a busy broker until every partition has a leader', async () => {
    const admin = adminAnswering([
      notYet('UNKNOWN_TOPIC_OR_PARTITION'),
      notYet('LEADER_NOT_AVAILABLE'),
      [topicWithLeaders('a', [1, -1])],
      [topicWithLeaders('a', [1, 1])],
    ]);
    await waitForTopicLeaders(admin, ['a'], { pollMs: 1 });
    expect(admin.calls()).toBe(4);
  });

  it('passes on any other error at once', async () => {
    const admin = adminAnswering([notYet('TOPIC_AUTHORIZATION_FAILED')]);
    await expect(waitForTopicLeaders(admin, ['a'], { pollMs: 1 })).rejects.toThrow('not yet');
    expect(admin.calls()).toBe(1);
  });

  it('gives up after the timeout, saying what it waited for', async () => {
    const admin = adminAnswering([notYet('UNKNOWN_TOPIC_OR_PARTITION')]);
    await expect(waitForTopicLeaders(admin, ['a', 'b'], { timeoutMs: 20, pollMs: 5 })).rejects.toThrow(
      'topics created but not ready after 20 ms: UNKNOWN_TOPIC_OR_PARTITION for a, b',
    );
  });
});
