import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { checkClasses, DEFAULT_CLASSES } from './classes';

describe('checkClasses', () => {
    it('accepts the defaults and a GPU class with its placement', () => {
        assert.deepEqual(checkClasses(DEFAULT_CLASSES), []);
        assert.deepEqual(checkClasses([{
            name: 'gpu-small', description: '', cpu: '500m', memory: '8Gi', disk: '20Gi', gpuResource: 'nvidia.com/mig-1g.10gb', gpuCount: 1,
            requests: { cpu: '250m', memory: '1Gi' }, nodeSelector: { 'nvidia.com/gpu.present': 'true' },
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], runtimeClassName: 'nvidia', schedulingTimeoutSeconds: 120
        }]), []);
    });

    it('refuses a fractional or malformed GPU request, naming the class and the field', () => {
        const base = { description: '', cpu: '2', memory: '4Gi', disk: '10Gi' };
        const problems = checkClasses([
            { ...base, name: 'half', gpuResource: 'nvidia.com/gpu', gpuCount: 0.5 },
            { ...base, name: 'text', gpuResource: 'nvidia.com/gpu', gpuCount: '1' },
            { ...base, name: 'bare', gpuResource: 'nvidia.com/gpu' },
            { ...base, name: 'nameless', gpuCount: 1 },
            { ...base, name: 'odd', gpuResource: 'GPU!', gpuCount: 1 }
        ]);
        assert.match(problems[0], /^classes\[0\] \(half\): gpuCount must be a whole number of GPUs such as 1, not 0.5: a GPU cannot be requested in parts/);
        assert.match(problems[1], /^classes\[1\] \(text\): gpuCount .* not "1"/);
        assert.match(problems[2], /^classes\[2\] \(bare\): gpuResource is set but gpuCount is not/);
        assert.match(problems[3], /^classes\[3\] \(nameless\): gpuCount is set but gpuResource is not/);
        assert.match(problems[4], /^classes\[4\] \(odd\): gpuResource must be a resource name/);
        assert.equal(problems.length, 5);
    });

    it('refuses placement that Kubernetes would refuse', () => {
        const problems = checkClasses([{ name: 'p', description: '', cpu: '2', memory: '4Gi', disk: '10Gi', tolerations: [{ operator: 'Maybe' }], schedulingTimeoutSeconds: 0 }]);
        assert.deepEqual(problems.map(p => p.split(': ')[1].split(' ')[0]), ['tolerations', 'schedulingTimeoutSeconds']);
    });
});
